#!/usr/bin/env python3
"""Builds fake, installable dbt wheels for tests -- no network, no PyPI.

    makewheels.py OUTDIR [--core VERSION] [--adapter NAME=VERSION]...

Writes into OUTDIR:
  dbt_core-<core>-py3-none-any.whl        package `fake_dbt`, console script `dbt = fake_dbt:main`
  dbt_<name>-<version>-py3-none-any.whl   package `fake_dbt_<name>`, Requires-Dist: dbt-core==<core>

Each wheel is a valid PEP 427 wheel (METADATA, WHEEL, RECORD with sha256 hashes, entry_points.txt)
so that `pip install --no-index --find-links OUTDIR dbt-<name>==<version>` installs it and creates
bin/dbt, which answers `dbt --version` the way dbt 1.8 does:

    Core:
      - installed: <core>
      ...
    Plugins:
      - <name>: <version>

Prints the path of every wheel written, one per line. Defaults: --core 1.8.9 --adapter postgres=1.8.2.
"""
import argparse
import base64
import hashlib
import os
import sys
import zipfile


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def write_wheel(outdir, dist, version, files, requires=(), entry_points=None, summary=""):
    """files: {archive path: text}. Returns the wheel's path."""
    dist_info = f"{dist}-{version}.dist-info"
    project = dist.replace("_", "-")
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {project}",
        f"Version: {version}",
        f"Summary: {summary or 'Fake ' + project + ' for Sluice tests'}",
        "Requires-Python: >=3.8",
    ]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    contents = dict(files)
    contents[f"{dist_info}/METADATA"] = "\n".join(metadata) + "\n\n"
    contents[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: sluice-makewheels\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    if entry_points:
        contents[f"{dist_info}/entry_points.txt"] = entry_points
    record_name = f"{dist_info}/RECORD"
    record = []
    path = os.path.join(outdir, f"{dist}-{version}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in contents.items():
            data = text.encode("utf-8")
            zf.writestr(name, data)
            record.append(f"{name},{record_hash(data)},{len(data)}")
        record.append(f"{record_name},,")
        zf.writestr(record_name, "\n".join(record) + "\n")
    return path


def core_wheel(outdir, version, adapters):
    plugins = "".join(f"    print('  - {n}: {v}')\n" for n, v in adapters)
    main = (
        "import sys\n\n\n"
        "def main():\n"
        "    args = sys.argv[1:]\n"
        "    if args[:1] == ['--version']:\n"
        "        print('Core:')\n"
        f"        print('  - installed: {version}')\n"
        f"        print('  - latest:    {version} - Up to date!')\n"
        "        print()\n"
        "        print('Plugins:')\n"
        + plugins.replace("    print", "        print") +
        "        return 0\n"
        "    print('fake dbt: only --version is supported', file=sys.stderr)\n"
        "    return 2\n\n\n"
        "if __name__ == '__main__':\n"
        "    sys.exit(main())\n"
    )
    return write_wheel(
        outdir, "dbt_core", version,
        {"fake_dbt/__init__.py": main},
        entry_points="[console_scripts]\ndbt = fake_dbt:main\n",
    )


def adapter_wheel(outdir, name, version, core):
    return write_wheel(
        outdir, f"dbt_{name}", version,
        {f"fake_dbt_{name}/__init__.py": f"ADAPTER = {name!r}\nVERSION = {version!r}\n"},
        requires=[f"dbt-core=={core}"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--core", default="1.8.9")
    parser.add_argument("--adapter", action="append", default=[], metavar="NAME=VERSION")
    ns = parser.parse_args()
    adapters = [tuple(a.split("=", 1)) for a in (ns.adapter or ["postgres=1.8.2"])]
    if any(len(a) != 2 or not a[0] or not a[1] for a in adapters):
        parser.error("--adapter takes NAME=VERSION")
    os.makedirs(ns.outdir, exist_ok=True)
    print(core_wheel(ns.outdir, ns.core, adapters))
    for name, version in adapters:
        print(adapter_wheel(ns.outdir, name, version, ns.core))
    return 0


if __name__ == "__main__":
    sys.exit(main())
