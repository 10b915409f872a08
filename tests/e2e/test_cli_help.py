"""`sbee-desk --help` and every sub-command's help and errors read in French, argparse's
own words included (#10)."""

from __future__ import annotations

import argparse

import pytest

from sbee_desk.cli import build_parser, main

#: what argparse writes in English (Python 3.11 to 3.13)
ENGLISH = (
    "usage:",
    "positional arguments",
    "options:",
    "optional arguments",
    "show this help",
    "show program's version",
    "the following arguments are required",
    "invalid choice",
    "expected one argument",
    "unrecognized arguments",
    "error:",
    "invalid int value",
    "not allowed with argument",
    "one of the arguments",
)


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path of the parser: (), ("import",), ("user", "add"), …"""
    out = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += commands(sub, (*path, name))
    return out


ALL = commands(build_parser())


def run(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out + err


def test_every_command_is_listed() -> None:
    assert {("print",), ("handover",), ("user", "add"), ("plan", "set")} <= set(ALL)


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "sbee-desk")
def test_help_is_french(capsys, path) -> None:
    code, text = run(capsys, *path, "--help")
    assert code == 0
    assert text.startswith("usage : sbee-desk")
    assert "options :" in text and "afficher ce message d'aide et quitter" in text
    for english in ENGLISH:
        assert english not in text, f"{' '.join(path)} --help : « {english} »"


@pytest.mark.parametrize(
    ("argv", "french"),
    [
        (["validate", "--all"], "les arguments suivants sont requis : --run"),
        (["validate", "--run", "1"], "l'un des arguments --bordereau --all est requis"),
        (["validate", "--run", "x", "--all"], "argument --run : « x » n'est pas un nombre entier"),
        (["validate", "--run", "1", "--all", "--bordereau", "B"], "incompatible avec"),
        (["print", "--batch", "1", "--recipient", "CAISSIER"], "choix invalide : « CAISSIER »"),
        (["impression"], "choix invalide : « impression »"),
        (["select", "--date"], "argument --date : un argument attendu"),
        (["select", "--inconnue"], "arguments non reconnus : --inconnue"),
        (["user"], "les arguments suivants sont requis : ACTION"),
    ],
)
def test_argparse_errors_are_french(capsys, argv, french) -> None:
    code, text = run(capsys, *argv)
    assert code == 2
    assert "usage : sbee-desk" in text and "sbee-desk" in text and " : erreur : " in text
    assert french in text
    for english in ENGLISH:
        assert english not in text, f"{argv} : « {english} »"


def test_version_is_printed(capsys) -> None:
    code, text = run(capsys, "--version")
    assert code == 0 and text.startswith("sbee-desk ")
