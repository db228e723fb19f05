"""Animation writers: frames (RGB arrays) streamed to an animated GIF (Pillow) or an MP4 (ffmpeg).

Frames are written as they come, so memory stays at a frame or two whatever the length: the GIF
uses one palette made from the first frame and stores only the rectangle that changed since the
previous frame; the MP4 pipes raw frames into an `ffmpeg` process (when ffmpeg is installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import BinaryIO, Protocol, cast

import numpy as np
from PIL import GifImagePlugin, Image

GIF_COLORS = 128          # a UI has few colours; fewer entries compress better
TRANSPARENT = GIF_COLORS - 1  # the index of pixels that did not change since the previous frame
FFMPEG_TIMEOUT_SECONDS = 60


class AnimationWriter(Protocol):
    def add(self, frame: np.ndarray) -> None: ...
    def close(self) -> None: ...
    def abort(self) -> None: ...


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


def check_animation(path: str | os.PathLike, fps: float) -> None:
    """ValueError unless `path` names a .gif (or an .mp4, with ffmpeg installed) and `fps` is sensible."""
    suffix = Path(path).suffix.lower()
    if not 0 < fps <= 100:
        raise ValueError(f"frames a second must be between 0 and 100, not {fps:g}")
    if suffix not in (".gif", ".mp4"):
        raise ValueError(f"{Path(path).name}: an animation is written as .gif or .mp4, not {suffix or 'no suffix'!r}")
    if suffix == ".mp4" and ffmpeg_path() is None:
        raise ValueError("writing MP4 needs ffmpeg, which is not installed (write a .gif instead)")


def open_animation(path: str | os.PathLike, fps: float) -> AnimationWriter:
    """A writer for `path` by its suffix (.gif, or .mp4 when ffmpeg is installed); ValueError otherwise."""
    check_animation(path, fps)
    return GifWriter(path, fps) if Path(path).suffix.lower() == ".gif" else Mp4Writer(path, fps)


class GifWriter:
    """An animated GIF written frame by frame (into a temporary file renamed over `path` at close)."""

    def __init__(self, path: str | os.PathLike, fps: float):
        self.path = Path(path)
        self._temp = self.path.with_name(f".{self.path.name}.part")
        self._duration = max(20, round(1000 / fps))   # GIF counts in 10 ms; browsers treat < 20 ms as slow
        self._stream: BinaryIO = open(self._temp, "wb")
        self._previous = np.zeros((0, 0, 3), np.uint8)
        self._pending: tuple[Image.Image, tuple[int, int]] | None = None
        self._held = 0    # milliseconds the pending frame stays on screen
        self.frames = 0

    def add(self, frame: np.ndarray) -> None:
        """Append an RGB frame (height, width, 3) uint8; every frame has the size of the first."""
        frame = np.ascontiguousarray(frame[..., :3], np.uint8)
        if not self.frames:
            self._start(frame)
        elif frame.shape != self._previous.shape:
            raise ValueError(f"frame {self.frames + 1} is {frame.shape[1]}×{frame.shape[0]}, "
                             f"the first was {self._previous.shape[1]}×{self._previous.shape[0]}")
        changed = np.argwhere((frame != self._previous).any(axis=2)) if self.frames else None
        if changed is not None and not len(changed):
            self._held += self._duration        # an unchanged frame: show the previous one longer
        else:
            if changed is None:
                top, left, bottom, right = 0, 0, frame.shape[0], frame.shape[1]
            else:
                (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0) + 1
            self._flush()
            region = np.s_[top:bottom, left:right]
            unchanged = None if changed is None else (frame[region] == self._previous[region]).all(axis=2)
            self._pending, self._held = (_paletted(frame[region], unchanged), (int(left), int(top))), self._duration
        self._previous = frame
        self.frames += 1

    def _start(self, frame: np.ndarray) -> None:
        first = Image.fromarray(frame).quantize(GIF_COLORS, method=Image.Quantize.MEDIANCUT)
        header, _ = GifImagePlugin.getheader(first, info={"loop": 0, "duration": self._duration})
        for chunk in header:
            self._stream.write(chunk)
        self._previous = frame

    def _flush(self) -> None:
        if self._pending is None:
            return
        image, offset = self._pending
        image.encoderinfo = {}
        extra = {"transparency": TRANSPARENT} if "transparency" in image.info else {}
        for chunk in GifImagePlugin.getdata(image, offset, duration=self._held, disposal=1,
                                            include_color_table=True, **extra):
            self._stream.write(chunk)
        self._pending = None

    def close(self) -> None:
        if not self.frames:
            self.abort()
            raise ValueError("there were no frames to write")
        self._flush()
        self._stream.write(b";")
        self._stream.close()
        os.replace(self._temp, self.path)

    def abort(self) -> None:
        """Stop and delete what was written (the file named `path` is left as it was)."""
        self._stream.close()
        self._temp.unlink(missing_ok=True)


def _paletted(pixels: np.ndarray, unchanged: np.ndarray | None) -> Image.Image:
    """`pixels` in at most GIF_COLORS - 1 colours; where `unchanged`, the transparent index instead
    (the previous frame shows through, and runs of one index compress to almost nothing)."""
    image = Image.fromarray(pixels).quantize(GIF_COLORS - 1, method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE)
    if unchanged is None:
        return image
    indices = np.array(image)
    indices[unchanged] = TRANSPARENT
    palette = (image.getpalette() or [])[: 3 * TRANSPARENT]
    out = Image.fromarray(indices, "P")
    out.putpalette(palette + [0] * (3 * GIF_COLORS - len(palette)))
    out.info["transparency"] = TRANSPARENT
    return out


class Mp4Writer:
    """H.264 MP4 through an ffmpeg process fed raw RGB frames."""

    def __init__(self, path: str | os.PathLike, fps: float):
        self.path, self._fps, self._ffmpeg = Path(path), fps, ffmpeg_path() or "ffmpeg"
        self._temp = self.path.with_name(f".{self.path.name}.part.mp4")
        self._process: subprocess.Popen | None = None
        self._size: tuple[int, int] | None = None
        self.frames = 0

    def add(self, frame: np.ndarray) -> None:
        frame = np.ascontiguousarray(frame[..., :3], np.uint8)
        height, width = frame.shape[:2]
        if self._process is None:
            # H.264 in yuv420p wants even sizes: pad by a pixel where needed.
            self._size = (width + width % 2, height + height % 2)
            self._process = subprocess.Popen(
                [self._ffmpeg, "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                 "-s", f"{width}x{height}", "-r", f"{self._fps:g}", "-i", "-",
                 "-vf", f"pad={self._size[0]}:{self._size[1]}", "-pix_fmt", "yuv420p", "-c:v", "libx264",
                 "-movflags", "+faststart", "-f", "mp4", str(self._temp)],
                stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        cast(BinaryIO, self._process.stdin).write(frame.tobytes())
        self.frames += 1

    def close(self) -> None:
        if self._process is None:
            raise ValueError("there were no frames to write")
        _, errors = self._process.communicate(timeout=FFMPEG_TIMEOUT_SECONDS)
        if self._process.returncode:
            self._temp.unlink(missing_ok=True)
            raise OSError(f"ffmpeg failed: {errors.decode(errors='replace').strip()}")
        os.replace(self._temp, self.path)

    def abort(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._temp.unlink(missing_ok=True)
