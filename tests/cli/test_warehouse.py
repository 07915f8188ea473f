"""The work-copy/lock/swap mechanism that keeps the published warehouse whole."""

import multiprocessing
import os
import signal
import time

import duckdb
import pytest

from wolkenkaart import warehouse
from wolkenkaart.errors import UsageError


def make(path, value):
    con = duckdb.connect(str(path))
    con.execute("create or replace table t as select ? as v", [value])
    con.close()


def read(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select v from t").fetchone()[0]
    finally:
        con.close()


def test_publish_swaps_in_the_copy(tmp_path):
    wh = tmp_path / "w.duckdb"
    make(wh, 1)
    with warehouse.work_copy(wh) as copy:
        make(copy.path, 2)
        assert read(wh) == 1  # not yet published
        copy.contacts["UWV"] = {"contact_name": "X"}
        copy.publish()
    assert read(wh) == 2
    assert warehouse.read_contacts(wh) == {"UWV": {"contact_name": "X"}}
    assert not warehouse.work_path(wh).exists()


def test_failure_leaves_the_old_warehouse(tmp_path):
    wh = tmp_path / "w.duckdb"
    make(wh, 1)
    with pytest.raises(RuntimeError):
        with warehouse.work_copy(wh) as copy:
            make(copy.path, 2)
            raise RuntimeError("boom")
    assert read(wh) == 1
    assert not warehouse.work_path(wh).exists()


def test_reader_keeps_old_figures_until_swap_and_never_blocks(tmp_path):
    wh = tmp_path / "w.duckdb"
    make(wh, 1)
    reader = duckdb.connect(str(wh), read_only=True)
    with warehouse.work_copy(wh) as copy:
        make(copy.path, 2)
        copy.publish()
    assert reader.execute("select v from t").fetchone()[0] == 1  # the inode it opened
    reader.close()
    assert read(wh) == 2


def _hold_lock(path, ready):
    with warehouse.exclusive_lock(path):
        ready.set()
        time.sleep(60)


def test_second_writer_refuses_and_killed_writer_leaves_no_stale_lock(tmp_path):
    wh = tmp_path / "w.duckdb"
    make(wh, 1)
    ready = multiprocessing.Event()
    proc = multiprocessing.Process(target=_hold_lock, args=(wh, ready))
    proc.start()
    assert ready.wait(20)
    with pytest.raises(UsageError, match="another wolkenkaart command"):
        with warehouse.work_copy(wh):
            pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    with warehouse.work_copy(wh) as copy:  # lock released by the kernel
        make(copy.path, 3)
        copy.publish()
    assert read(wh) == 3


def test_stale_work_file_from_killed_run_is_removed(tmp_path):
    wh = tmp_path / "w.duckdb"
    make(wh, 1)
    warehouse.work_path(wh).write_bytes(b"half a build")
    with warehouse.work_copy(wh) as copy:
        assert read(copy.path) == 1  # fresh copy, not the leftover
    assert read(wh) == 1
