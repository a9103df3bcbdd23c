"""Messages parsed per second by the e-mail parser over the sample corpus, repeated.

    python bench/email_parse_bench.py [--repeat 20] [--workers 2] [--corpus DIR]

Reports one process and N worker processes (multiprocessing). No database:
the catalogue comes from the corpus's catalogue.json. Numbers go to
bench/README.md ("E-mail parsing").
"""

import argparse
import os
import sys
import time
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

_catalogue = None


def _init(catalogue_path: str) -> None:
    global _catalogue
    from channels.email.parsing import catalogue_index_from_file, interpret_message

    _catalogue = catalogue_index_from_file(catalogue_path)
    interpret_message(b"From: warm@up.example\r\n\r\nwarm up 1. 1. 10:00 2 adults", catalogue=_catalogue)


def _parse(raw: bytes) -> str:
    from channels.email.parsing import interpret_message

    return interpret_message(raw, catalogue=_catalogue).kind


def run(messages: list[bytes], catalogue_path: str, workers: int) -> tuple[float, float | None]:
    """(messages per wall-clock second, messages per CPU second or None for several processes)."""
    if workers <= 1:
        _init(catalogue_path)
        started, cpu = time.perf_counter(), time.process_time()
        for raw in messages:
            _parse(raw)
        return len(messages) / (time.perf_counter() - started), len(messages) / (time.process_time() - cpu)
    with get_context("fork").Pool(workers, initializer=_init, initargs=(catalogue_path,)) as pool:
        pool.map(_parse, messages[:workers * 4], chunksize=1)  # workers are warm before the clock starts
        started = time.perf_counter()
        pool.map(_parse, messages, chunksize=16)
        return len(messages) / (time.perf_counter() - started), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "samples" / "emails"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.eml"))
    if not files:
        sys.exit(f"no .eml files in {corpus}")
    messages = [f.read_bytes() for f in files] * args.repeat
    catalogue_path = str(corpus / "catalogue.json")
    import django

    django.setup()
    single, single_cpu = run(messages, catalogue_path, 1)
    print(f"{len(messages)} messages ({len(files)} files x {args.repeat}), cpus={os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"1 process:   {single:8.1f} messages/s wall clock, {single_cpu:8.1f} messages per CPU second")
    if args.workers > 1:
        multi, _ = run(messages, catalogue_path, args.workers)
        print(f"{args.workers} processes: {multi:8.1f} messages/s wall clock")


if __name__ == "__main__":
    main()
