"""Command line: `python -m composer build | validate | schema | lint | cache | preview | train-lora | lora-info` (also `placard`).

Exit codes: 0 success; 1 lint found error-level problems; 2 a mistake in a spec, an asset or the
command line (one readable message per spec, no traceback); 3 an unexpected internal error
(traceback with -v); 130 interrupted.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import glob
import logging
import os
import sys
from pathlib import Path

from composer.core.version import __version__
from composer.core.errors import PlacardError

EXIT_OK, EXIT_LINT, EXIT_USER, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="placard", description="Build posters, social images, infographics and diagrams from YAML specs.",
        epilog="Exit codes: 0 ok, 1 lint errors, 2 a mistake in a spec or the command line, 3 internal error.",
    )
    p.add_argument("--version", action="version", version=f"Placard {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build specs into PNG, PDF and SVG", description="Build specs into PNG/PDF/SVG plus a JSON report.")
    b.add_argument("specs", nargs="+", metavar="SPEC", help="spec files or glob patterns")
    b.add_argument("-o", "--out", default="out", metavar="OUT_DIR", help="output folder (default: out)")
    b.add_argument("--format", metavar="LIST", help="comma-separated formats: png,pdf,svg,jpeg,webp (default: the spec's outputs)")
    b.add_argument("--layers", action="store_true", help="also write each generated raster layer as PNG")
    b.add_argument("--strict", action="store_true", help="treat every warning as an error: exit 2 and write nothing")
    _common(b)
    from composer.campaign.cli import add_arguments

    add_arguments(b)
    g = b.add_argument_group("diffusion")
    g.add_argument("--model", help="diffusers model folder or cached model id (or env PLACARD_MODEL)")
    g.add_argument("--device", default="auto", choices=["auto", "cuda", "mps", "cpu"], help="device (default: auto)")
    g.add_argument("--dtype", default="auto", choices=["auto", "float16", "bfloat16", "float32"], help="precision (default: auto)")
    g.add_argument("--no-cache", action="store_true", help="regenerate rasters instead of using the cache")
    g.add_argument("--allow-download", action="store_true", help="let diffusers download a missing model")
    g.add_argument("--allow-pickle", action="store_true", help="let diffusers load pickled .bin weights (only for models you trust)")
    g.add_argument("--cpu-offload", action="store_true", help="offload model parts to the CPU (small GPUs)")
    g.add_argument("--vae-tiling", action="store_true", help="decode in tiles (large images on small GPUs)")

    v = sub.add_parser("validate", help="check specs without rendering")
    v.add_argument("specs", nargs="+", metavar="SPEC")
    v.add_argument("--strict", action="store_true", help="treat every warning found without rendering as an error")
    _common(v)

    sc = sub.add_parser("schema", help="print the JSON Schema of the spec (or, with --brand, of a brand file)")
    sc.add_argument("--brand", action="store_true", help="print the schema of brand files instead")

    lint = sub.add_parser("lint", help="render what is needed and list legibility and layout problems")
    lint.add_argument("specs", nargs="+", metavar="SPEC")
    lint.add_argument("--format", dest="lint_format", choices=["text", "json"], default="text")
    _common(lint)

    c = sub.add_parser("cache", help="inspect or clear the generated-raster cache")
    c.add_argument("action", choices=["info", "clear"])

    pv = sub.add_parser("preview", help="serve a live page that rebuilds the poster on every save")
    pv.add_argument("spec", metavar="SPEC")
    pv.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one, a port in use falls back to one)")
    pv.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    pv.add_argument("--no-open", action="store_true", help="do not open a browser tab")
    _common(pv)
    _train_parsers(sub)
    return p


def _train_parsers(sub) -> None:
    t = sub.add_parser("train-lora", help="train a brand-style LoRA on a folder of images",
                       description="Train a LoRA on IMAGES_DIR (PNG, JPEG, WebP; captions in NAME.txt or --caption).")
    t.add_argument("images", metavar="IMAGES_DIR")
    t.add_argument("--model", required=True, help="diffusers model folder or cached model id (SD 1.x/2.x, SDXL)")
    t.add_argument("--out", required=True, metavar="FILE.safetensors", help="the LoRA file to write")
    t.add_argument("--steps", type=int, default=1000, help="optimizer steps (default: 1000)")
    t.add_argument("--rank", type=int, default=16, help="LoRA rank (default: 16)")
    t.add_argument("--lr", type=float, default=1e-4, help="learning rate (default: 1e-4)")
    t.add_argument("--resolution", type=int, metavar="PX", help="training side in pixels (default: the model's native size)")
    t.add_argument("--caption", metavar="TEXT", help="caption for every image without its own NAME.txt")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--resume", action="store_true", help="continue from the checkpoint beside --out")
    t.add_argument("--checkpoint-every", type=int, default=250, metavar="N", help="steps between checkpoints (default: 250)")
    t.add_argument("--sample-prompt", metavar="TEXT", help="write images without | with the adapter from this prompt")
    t.add_argument("--sample-every", type=int, metavar="N", help="steps between samples (default: at the end)")
    t.add_argument("--sample-steps", type=int, default=25, metavar="N", help="denoising steps per sample (default: 25)")
    t.add_argument("--allow-download", action="store_true", help="let diffusers download a missing model")
    t.add_argument("--device", default="auto", choices=["auto", "cuda", "mps", "cpu"], help="device (default: auto)")
    t.add_argument("--dtype", default="auto", choices=["auto", "float16", "bfloat16", "float32"], help="precision of the frozen model (default: auto)")
    t.add_argument("--batch-size", type=int, default=1, metavar="N")
    t.add_argument("--gradient-accumulation", type=int, default=1, metavar="N", help="micro-batches per step (small GPUs)")
    t.add_argument("--gradient-checkpointing", action="store_true", help="trade compute for memory (small GPUs)")
    t.add_argument("--warmup-steps", type=int, metavar="N", help="learning-rate warmup (default: a tenth of the steps, at most 100)")
    i = sub.add_parser("lora-info", help="print the provenance a LoRA file's metadata holds")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--json", action="store_true", help="print it as JSON")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-dir", action="append", default=[], metavar="DIR", help="another folder specs may read files from (brand, layout, templates, fonts, images, data); repeatable")


def _expand(patterns: list[str]) -> list[str]:
    out: list[str] = []
    for pat in patterns:
        if any(ch in pat for ch in "*?[") and not os.path.exists(pat):
            matches = sorted(glob.glob(pat, recursive=True))
            if not matches:
                raise PlacardError(f"no spec matches {pat!r}")
            out.extend(matches)
        else:
            out.append(pat)
    return out


def _error(e: BaseException) -> None:
    print(f"error: {e}", file=sys.stderr)


def _warnings(found) -> None:
    """Each warning as one line on stderr: `warning: FILE:LINE:COL: field.path: message`."""
    for w in found:
        print(f"warning: {w}", file=sys.stderr)


def _check_names(specs: list[str]) -> None:
    """Refuse several specs whose outputs would overwrite each other in one folder (before building any)."""
    seen: dict[str, str] = {}
    for spec in specs:
        name = Path(spec).name.split(".")[0]
        if name in seen and os.path.realpath(seen[name]) != os.path.realpath(spec):
            raise PlacardError(f"{seen[name]} and {spec} both build {name}.* into the same folder and would overwrite "
                               "each other; rename one, or build them into different folders (-o)")
        seen.setdefault(name, spec)


def cmd_build(args: argparse.Namespace) -> int:
    from composer.core.warnings import StrictError
    from composer.pipeline import BuildOptions, build

    work_begins()

    specs = _expand(args.specs)
    _check_names(specs)
    formats = None
    if args.format:
        formats = tuple(f.strip().lower() for f in args.format.split(",") if f.strip())
        allowed = ("png", "pdf", "svg", "jpeg", "webp")
        for f in formats:
            if f not in allowed:
                raise PlacardError(f"invalid value for '--format': {f!r} is not one of {', '.join(allowed)}")
    opts = BuildOptions(
        formats=formats, layers=args.layers, allow_dirs=tuple(Path(d).resolve() for d in args.allow_dir),
        model=args.model, device=args.device, dtype=args.dtype, use_cache=not args.no_cache,
        allow_download=args.allow_download, allow_pickle=args.allow_pickle, cpu_offload=args.cpu_offload, vae_tiling=args.vae_tiling,
        progress=sys.stderr.isatty() and len(specs) == 1,
    )
    failures = 0
    from composer.campaign import cli as campaign_cli

    def one(spec: str) -> None:
        nonlocal failures
        if campaign_cli.is_campaign(spec, args):  # data rows and/or several sizes
            failures += campaign_cli.run(spec, args, opts) != 0
            return
        try:
            result = build(spec, args.out, options=opts, strict=args.strict)
        except StrictError as e:
            failures += 1
            _warnings(e.warnings)
            _error(e)
            return
        except PlacardError as e:
            failures += 1
            _error(e)
            return
        _warnings(result.warnings)
        logging.getLogger("placard").info("built %s: %s", spec, ", ".join(p.name for p in result.files))
        if len(specs) == 1:
            for f in result.files:
                print(f)

    if len(specs) > 1:
        from rich.progress import Progress

        with Progress(transient=False, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("building", total=len(specs))
            for spec in specs:
                progress.update(task, description=f"building {Path(spec).name}")
                one(spec)
                progress.advance(task)
        print(f"built {len(specs) - failures} of {len(specs)} specs into {args.out}")
    else:
        one(specs[0])
    return EXIT_USER if failures else EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    import composer

    from composer.campaign import cli as campaign_cli
    from composer.core.warnings import StrictError

    failures = 0
    allow = tuple(Path(d).resolve() for d in args.allow_dir)
    for spec in _expand(args.specs):
        try:
            if campaign_cli.is_campaign(spec, args):
                n = campaign_cli.validate(spec, allow, strict=args.strict)
                print(f"{spec}: ok ({n} variants)")
                continue
            result = composer.validate(spec, allow_dirs=allow, strict=args.strict)
        except StrictError as e:
            failures += 1
            _warnings(e.warnings)
            _error(e)
            continue
        except PlacardError as e:
            failures += 1
            _error(e)
            continue
        _warnings(result.warnings)
        print(f"{spec}: ok")
    return EXIT_USER if failures else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from composer.schema import brand_schema, spec_schema

    import json

    print(json.dumps(brand_schema() if args.brand else spec_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_lint(args: argparse.Namespace) -> int:
    from composer.lint import run_lint

    return run_lint(_expand(args.specs), args.lint_format, tuple(Path(d).resolve() for d in args.allow_dir))


def cmd_cache(args: argparse.Namespace) -> int:
    from generator import cache

    if args.action == "info":
        info = cache.cache_info()
        for k, v in info.items():
            print(f"{k}: {v}")
    else:
        n = cache.cache_clear()
        print(f"removed {n} cache entries")
    return EXIT_OK


def cmd_train_lora(args: argparse.Namespace) -> int:
    from composer.rasters.paint import generator_errors
    from generator.training import TrainConfig, train_lora

    keys = ("steps", "rank", "lr", "resolution", "caption", "seed", "resume", "checkpoint_every", "sample_prompt",
            "sample_every", "sample_steps", "allow_download", "device", "dtype", "batch_size",
            "gradient_accumulation", "gradient_checkpointing", "warmup_steps")
    config = TrainConfig(args.images, args.model, args.out, **{k: getattr(args, k) for k in keys})
    with generator_errors():
        result = train_lora(config, progress=sys.stderr.isatty(), log=lambda line: print(line, file=sys.stderr))
    for path in result.samples:
        print(path)
    print(result.out)
    return EXIT_OK


def cmd_lora_info(args: argparse.Namespace) -> int:
    from composer.rasters.paint import generator_errors
    from generator.training import format_info, lora_info

    with generator_errors():
        info = lora_info(args.file)
    import json

    print(json.dumps(info, indent=2, ensure_ascii=False) if args.json else format_info(info))
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    from composer.preview import serve

    return serve(args.spec, host=args.host, port=args.port, open_browser=not args.no_open,
                 allow_dirs=tuple(Path(d).resolve() for d in args.allow_dir))


COMMANDS = {"build": cmd_build, "validate": cmd_validate, "schema": cmd_schema, "lint": cmd_lint, "cache": cmd_cache,
            "preview": cmd_preview, "train-lora": cmd_train_lora, "lora-info": cmd_lora_info}


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m composer` and the `placard` script."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(levelname)s %(name)s: %(message)s",
    )
    from composer.core.warnings import quiet_libraries

    quiet_libraries(args.verbose)
    if not args.command:
        parser.print_help()
        return EXIT_USER
    if args.command != "build":  # the others are short, or long-running (preview, training): collect as usual
        work_begins()
    try:
        return COMMANDS[args.command](args)
    except PlacardError as e:
        _error(e)
        return EXIT_USER
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as e:  # an internal bug, not a user mistake
        if args.verbose:
            raise
        print(f"internal error: {type(e).__name__}: {e} (run with -v for the traceback and report it)", file=sys.stderr)
        return EXIT_INTERNAL


_GC_PAUSED = False


def cli() -> None:
    """The process entry (`placard`, `python -m composer`): main(), plus tuning that suits one short process.

    Tests call main() in their own process and do not get this. A cold build spent ~45 ms in the
    garbage collector, nearly all of it walking objects that imports made and that never die: the
    collector now pauses while a command imports what it needs, then those objects are frozen
    (`work_begins`) and young garbage is collected every 20,000 allocations, not 700. At exit the
    interpreter's last collections walk every object again (about 110 ms after a build); frozen,
    they are skipped. atexit handlers and finalizers still run: only the collector's walks go.
    Regular expressions compile from the opcodes the last process kept (composer/core/recache.py),
    and the methods dataclasses and namedtuples generate from the code it kept (codecache.py).
    urllib.request and importlib.metadata, which cairosvg and pydantic import for paths a build
    never takes, are imported only when used (composer/core/standins.py).

    Pydantic's plugins are off in the process (PYDANTIC_DISABLE_PLUGINS=__all__, unless the
    variable is set already): looking for them reads the metadata of every installed
    distribution, about 13 ms of a cold build, and the only models this process validates are
    Placard's own. Code that imports Placard as a library keeps its plugins.

    numpy's OpenBLAS starts with one thread (OPENBLAS_NUM_THREADS=1, unless set, and not for LoRA
    training): Placard's numpy work does not use BLAS, and its idle threads spun for ~75 ms of CPU
    in every cold process, on the same two cores the build runs on. The diffusion backend lifts
    the cap again before torch loads its own BLAS.
    """
    global _GC_PAUSED
    from composer.core import codecache, outlinecache, recache, standins

    recache.install()  # compiled regular expressions from the last process (see the module)
    codecache.install()  # and the code of generated dataclass and namedtuple methods
    outlinecache.install()  # and the glyph outlines it set
    standins.install()  # urllib.request and importlib.metadata only if used (see the module)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if "OPENBLAS_NUM_THREADS" not in os.environ and not {"train-lora", "lora-info"} & set(sys.argv[1:]):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy loads OpenBLAS: no idle threads spinning
        os.environ["PLACARD_OPENBLAS_CAPPED"] = "1"  # generator/diffusion_pipes.py lifts it before torch loads
    gc.disable()
    _GC_PAUSED = True
    gc.set_threshold(20_000, 10, 10)
    try:
        code = main()
    finally:
        work_begins()
    gc.freeze()
    recache.save()
    codecache.save()
    outlinecache.save()
    _exit(code)


def _exit(code: int) -> None:
    """End the process with `code`: atexit handlers and flushes as usual, then no interpreter teardown.

    After atexit, the interpreter's finalization tears down every module and object one by one
    (about 15 ms after a build) to release memory the operating system takes back anyway. With
    only the main thread left and CPython's atexit hook at hand, the handlers run, stdout and
    stderr are flushed and os._exit ends the process; otherwise sys.exit does it the usual way.
    """
    import threading

    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None or threading.active_count() != 1 or threading.current_thread() is not threading.main_thread():
        sys.exit(code)
    run_exitfuncs()  # logging's shutdown (flush and close handlers) is one of them
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: what Python's own exit does too (stays quiet)
            pass
    os._exit(code)


def work_begins() -> None:
    """The command has imported what it needs: freeze those objects and let the collector run again."""
    global _GC_PAUSED
    if _GC_PAUSED:
        _GC_PAUSED = False
        gc.freeze()
        gc.enable()


if __name__ == "__main__":
    cli()
