"""Maps the repository layout onto the installed `autoglm` namespace.

`shared/` becomes `autoglm.shared` and `services/` becomes `autoglm.services`, so a
user's environment never gets top-level packages called `shared` or `services`.
"""

from setuptools import find_packages, setup

ROOTS = {"autoglm.shared": "shared", "autoglm.services": "services"}

packages: list[str] = []
for name, folder in ROOTS.items():
    packages.append(name)
    packages.extend(f"{name}.{sub}" for sub in find_packages(folder))

setup(
    packages=packages,
    package_dir=ROOTS,
    package_data={"": ["*.yaml", "*.json", "*.md", "*.sql", "*.txt", "*.j2", "prompts/*", "prompts/*/*", "data/*", "*.npz",
                   "console/*"]},
    include_package_data=True,
)
