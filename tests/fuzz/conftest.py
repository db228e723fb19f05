"""Report how many inputs each fuzz target tried."""

from fuzzing import EXAMPLES, tried


def pytest_terminal_summary(terminalreporter):
    if tried:
        terminalreporter.write_sep("-", f"fuzz: inputs tried per target (FCVIZ_FUZZ_EXAMPLES={EXAMPLES})")
        for target, count in sorted(tried.items()):
            terminalreporter.write_line(f"{target:<24} {count:>7}")
