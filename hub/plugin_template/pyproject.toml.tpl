[build-system]
requires = ["setuptools>=65"]
build-backend = "setuptools.build_meta"

[project]
name = "simpul-${name}"
version = "0.1.0"
description = "Simpul plugin for ${title}: connector, normalizer, wall tile and simulator."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["simpul", "flask>=3.0", "flask-babel>=4.0", "httpx>=0.27"]

[project.entry-points.simpul]
${name} = "${package}.plugin"

[tool.setuptools]
packages = ["${package}"]

[tool.setuptools.package-data]
${package} = ["translations/**/*"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 100
target-version = "py311"

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP", "SIM", "RUF"]
ignore = ["RUF012"]

[tool.ruff.lint.isort]
known-first-party = ["hub", "${package}"]
