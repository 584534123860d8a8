"""Check questions.jsonl against docs/ with the checks of tests/data/multihop2/validate.py (same schema and
rules: schema, file references, an answer in the cited documents, hop tails in their files, yes/no forms, no
expected answer inside a reject string, Chinese documents mostly Chinese).

Run: python tests/data/multihop5/validate.py  (exit 1 on any problem; prints counts per type, language, tenant).
"""

import pathlib
import runpy
import sys

HERE = pathlib.Path(__file__).resolve().parent

if __name__ == "__main__":
    checks = runpy.run_path(str(HERE.parent / "multihop2" / "validate.py"), run_name="multihop2_validate")
    sys.exit(checks["main"](HERE))
