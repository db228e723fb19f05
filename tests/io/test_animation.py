"""The streamed GIF writer: frames read back exactly, unchanged frames last longer, failures write nothing."""

import numpy as np
import pytest
from PIL import Image, ImageSequence

from fcviz.io import animation
from fcviz.io.animation import GifWriter, open_animation


def frames(count: int, seed: int = 0) -> list[np.ndarray]:
    """Frames of a few colours with moving, changing blocks (like a UI between two epochs)."""
    rng = np.random.default_rng(seed)
    colors = rng.integers(0, 256, (40, 3), dtype=np.uint8)
    out = []
    for k in range(count):
        frame = np.full((48, 64, 3), 250, np.uint8)
        frame[5:15, 3 + 4 * k: 13 + 4 * k] = colors[k % 40]
        frame[30:40] = colors[rng.integers(40, size=64)]
        out.append(frame)
    return out


def read_back(path) -> list[tuple[np.ndarray, int]]:
    with Image.open(path) as gif:
        return [(np.asarray(frame.convert("RGB")), frame.info["duration"]) for frame in ImageSequence.Iterator(gif)]


def test_every_frame_reads_back_exactly(tmp_path):
    written = frames(12)
    writer = open_animation(tmp_path / "a.gif", fps=20)
    for frame in written:
        writer.add(frame)
    writer.close()
    back = read_back(tmp_path / "a.gif")
    assert len(back) == 12
    for (pixels, duration), frame in zip(back, written):
        np.testing.assert_array_equal(pixels, frame)
        assert duration == 50


def test_a_frame_equal_to_the_previous_one_lengthens_it(tmp_path):
    a, b = frames(2)
    writer = GifWriter(tmp_path / "a.gif", fps=10)
    for frame in (a, b, b, a):
        writer.add(frame)
    writer.close()
    assert [duration for _, duration in read_back(tmp_path / "a.gif")] == [100, 200, 100]


def test_a_cancelled_or_failed_animation_leaves_the_named_file_as_it_was(tmp_path):
    path = tmp_path / "a.gif"
    path.write_bytes(b"old")
    writer = open_animation(path, fps=10)
    writer.add(frames(1)[0])
    with pytest.raises(ValueError, match="the first was 64×48"):
        writer.add(np.zeros((10, 10, 3), np.uint8))
    writer.abort()
    assert path.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]


@pytest.mark.parametrize("name, fps, message", [("a.avi", 10, "as .gif or .mp4"), ("a.gif", 0, "between 0 and 100")])
def test_bad_requests_are_refused_before_anything_is_written(tmp_path, name, fps, message):
    with pytest.raises(ValueError, match=message):
        open_animation(tmp_path / name, fps)
    assert list(tmp_path.iterdir()) == []


def test_mp4_without_ffmpeg_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(animation, "ffmpeg_path", lambda: None)
    with pytest.raises(ValueError, match="needs ffmpeg"):
        open_animation(tmp_path / "a.mp4", 10)
