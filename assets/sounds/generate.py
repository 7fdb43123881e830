#!/usr/bin/env python3
"""Regenerates Klaxon's ringtones (44.1 kHz, mono, 16-bit PCM WAV) with nothing but the stdlib.

    python3 assets/sounds/generate.py

The output is deterministic: running it again rewrites byte-identical files.

page.wav    an urgent two-tone alarm, 1.5 s, meant to be looped: four hi/lo pairs
            (988 Hz / 740 Hz, 150 ms each) then 300 ms of silence, near full scale.
            Each note is a square-ish wave (fundamental plus odd harmonics) so it cuts
            through background noise, with 5 ms fades so that notes and loops do not click.
shadow.wav  a soft single chime, 0.8 s: A5 + E6 sines with a 10 ms attack and an
            exponential decay, peaking at about a third of full scale.
"""

import math
import struct
import wave
from pathlib import Path

RATE = 44_100
HERE = Path(__file__).resolve().parent


def square_ish(freq: float, t: float) -> float:
    # Fundamental plus the 3rd and 5th harmonics of a square wave, normalised to peak ~1.
    w = 2 * math.pi * freq * t
    return (math.sin(w) + math.sin(3 * w) / 3 + math.sin(5 * w) / 5) / 1.1


def fade(i: int, n: int, ramp: int) -> float:
    return min(1.0, i / ramp, (n - 1 - i) / ramp)


def page() -> list[float]:
    out: list[float] = []
    note = int(0.150 * RATE)
    ramp = int(0.005 * RATE)
    for _ in range(4):
        for freq in (988.0, 740.0):
            out.extend(0.9 * fade(i, note, ramp) * square_ish(freq, i / RATE) for i in range(note))
    out.extend([0.0] * (int(1.5 * RATE) - len(out)))
    return out


def shadow() -> list[float]:
    n = int(0.8 * RATE)
    attack = int(0.010 * RATE)
    out = []
    for i in range(n):
        t = i / RATE
        env = min(1.0, i / attack) * math.exp(-5.0 * t) * min(1.0, (n - 1 - i) / attack)
        tone = 0.7 * math.sin(2 * math.pi * 880.0 * t) + 0.3 * math.sin(2 * math.pi * 1318.5 * t)
        out.append(0.35 * env * tone)
    return out


def write(name: str, samples: list[float]) -> None:
    frames = b"".join(
        struct.pack("<h", max(-32767, min(32767, round(s * 32767)))) for s in samples
    )
    with wave.open(str(HERE / name), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(frames)
    print(f"{name}: {len(samples) / RATE:.2f} s, {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    write("page.wav", page())
    write("shadow.wav", shadow())
