"""logs.py: the log file rolls over by size, keeps its backups, and drops nothing it was given."""

from __future__ import annotations

import logging

from desktop_chat import logs


def _logger(tmp_path, max_bytes: int, backups: int) -> tuple[logging.Logger, logging.Handler]:
    handler = logs._LogFile(str(tmp_path / logs.LOG_FILE_NAME), max_bytes=max_bytes, backups=backups)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(f"test-logs-{tmp_path.name}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger, handler


def test_a_full_file_becomes_dot_1_and_the_oldest_backup_is_dropped(tmp_path):
    logger, handler = _logger(tmp_path, max_bytes=100, backups=2)
    try:
        for n in range(12):
            logger.info("line %02d %s", n, "x" * 30)  # 39 bytes a line: two lines a file
    finally:
        logger.removeHandler(handler)
        handler.close()
    current = (tmp_path / "desktop-chat.log").read_text(encoding="utf-8").splitlines()
    first = (tmp_path / "desktop-chat.log.1").read_text(encoding="utf-8").splitlines()
    second = (tmp_path / "desktop-chat.log.2").read_text(encoding="utf-8").splitlines()
    assert not (tmp_path / "desktop-chat.log.3").exists()
    assert [line[:7] for line in second + first + current] == [f"line {n:02d}" for n in range(6, 12)]
    for name in ("desktop-chat.log", "desktop-chat.log.1", "desktop-chat.log.2"):
        assert (tmp_path / name).stat().st_size <= 100


def test_a_line_longer_than_the_limit_is_written_whole_without_emptying_files(tmp_path):
    logger, handler = _logger(tmp_path, max_bytes=20, backups=1)
    try:
        logger.info("%s", "a" * 50)
        logger.info("%s", "b" * 50)
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / "desktop-chat.log.1").read_text(encoding="utf-8") == "a" * 50 + "\n"
    assert (tmp_path / "desktop-chat.log").read_text(encoding="utf-8") == "b" * 50 + "\n"


def test_setup_logging_writes_the_apps_lines_to_the_file_in_the_data_folder(tmp_path):
    handler = logs.setup_logging(tmp_path)
    try:
        logging.getLogger("desktop_chat.test").info("started %s", "here")
        handler.flush()
        assert "INFO desktop_chat.test: started here" in (tmp_path / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
        assert logs.setup_logging(tmp_path) is handler  # once per folder
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
