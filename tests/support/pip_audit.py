"""pip-audit on the installed (pinned) dependencies, with reasoned exceptions.

Run by ``.ci/run`` as ``.venv/bin/python -m tests.support.pip_audit``. A known
vulnerability in any installed package fails. To accept one, add a line to
``.pip-audit-ignore`` at the repository root::

    GHSA-xxxx-xxxx-xxxx  # why it does not apply to MRM, and until when

A line without a reason is refused. When PyPI's vulnerability service cannot
be reached (an offline machine), the packages it could not audit are listed
and the run passes unless ``MRM_PIP_AUDIT_REQUIRE_SERVICE=true`` (then it fails).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORE_FILE = ROOT / ".pip-audit-ignore"


def read_ignore_file(path: Path = IGNORE_FILE) -> list[tuple[str, str]]:
    """``[(vulnerability id, reason)]``; a line without a reason raises ``ValueError``."""
    if not path.exists():
        return []
    accepted = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition("#")
        vuln_id, reason = vuln_id.strip(), reason.strip()
        if not vuln_id or " " in vuln_id or not reason:
            raise ValueError(f"{path.name}:{number}: write 'ID  # reason', not {raw!r}")
        accepted.append((vuln_id, reason))
    return accepted


def audit_command(accepted: list[tuple[str, str]]) -> list[str]:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "--skip-editable", "--progress-spinner", "off", "--format", "json"]
    for vuln_id, _reason in accepted:
        command += ["--ignore-vuln", vuln_id]
    return command


def summarise(report: dict) -> tuple[list[str], list[str], int]:
    """(vulnerability lines, packages not audited, packages audited)."""
    vulns, skipped, audited = [], [], 0
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            skipped.append(f"{dep['name']}: {dep['skip_reason']}")
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            vulns.append(f"{dep['name']} {dep.get('version')}: {vuln['id']} (fixed in {fixed})")
    return vulns, skipped, audited


def main() -> int:
    accepted = read_ignore_file()
    for vuln_id, reason in accepted:
        print(f"accepted: {vuln_id}  # {reason}")
    result = subprocess.run(audit_command(accepted), capture_output=True, text=True, cwd=ROOT, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stdout + result.stderr, file=sys.stderr)
        return 2
    vulns, skipped, audited = summarise(report)
    print(f"pip-audit: {audited} packages audited, {len(skipped)} not audited, {len(vulns)} known vulnerabilities")
    if vulns:
        print("Known vulnerabilities (upgrade the pin, or accept one in .pip-audit-ignore with a reason):")
        print("\n".join(f"  {v}" for v in vulns))
        return 1
    if skipped and not audited:
        print("WARNING: the vulnerability service could not be reached; nothing was audited.")
        if os.environ.get("MRM_PIP_AUDIT_REQUIRE_SERVICE", "").lower() in {"1", "true", "yes"}:
            return 1
    elif skipped:
        print("Not audited:\n" + "\n".join(f"  {s}" for s in skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
