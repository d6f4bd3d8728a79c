"""The ``plans`` command: a thin layer over the library.

Each sub-command lives in ``pipeline/commands/<name>.py`` and makes one library
call; library exceptions (:class:`pipeline.errors.PlansError`) become a one-line
message on stderr and the exit code the error carries (see ``plans --help``).
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from pipeline.errors import ExitCode, PlansError

# name -> module under pipeline.commands that defines `command`. Imported lazily
# so that `plans --help` and light commands do not pay for spaCy or Tesseract.
COMMANDS = {
    "run": "run",
    "restore": "restore",
    "extract": "extract",
    "corpus": "corpus",
    "eval": "evaluate",
    "search": "search",
    "compare": "compare",
    "lineage": "lineage",
}

EPILOG = """\b
Exit codes (stable, for scripts):
  0  success
  1  a batch finished but some files failed (see OUT/errors.jsonl)
  2  wrong usage
  3  an input file could not be read (empty, binary, corrupt, not Vietnamese)
  4  a dependency is missing (tesseract, vie.traineddata, the built corpus)
  5  an encrypted (password-protected) PDF or Word document
  6  the output could not be written (permission, full disk)
  7  another run holds the output directory
  8  a record failed schema validation
  130 interrupted
"""


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        mod = COMMANDS.get(name)
        if mod is None:
            return None
        return importlib.import_module(f"pipeline.commands.{mod}").command  # type: ignore[no-any-return]


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plans")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Turn scanned Vietnamese government plans into clean text and records.

    \b
    Typical use:
      plans run samples/ -o out/          # a whole folder: text, restoration, records, catalog
      plans run backlog-2023.zip -o out/  # a ZIP archive, read like a folder
                                          # then open out/review/index.html: words to check
      plans restore garbled.txt           # restore the diacritics of one text file
      plans extract plan.txt              # print the JSON plan record of one file
      plans search "dan van kheo" --catalog out/catalog.sqlite
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(
        level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s"
    )


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except PlansError as e:
        click.echo(f"error: {e.one_line()}", err=True)
        sys.exit(int(e.exit_code))
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        sys.exit(ExitCode.OK)
    sys.exit(ExitCode.OK)


if __name__ == "__main__":
    main()
