#!/usr/bin/env python3
"""Seed corpora for the fuzz targets from the benchmark's speech clip.

    python3 make_seeds.py        # writes corpus/decoder/seed-* and corpus/encoder/seed-*

encoder: records of real speech (control byte 0 + 160 PCM bytes), mixed with
the generated extremes (i16::MAX/MIN runs, DC, alternating full scale,
square waves). decoder: the same speech encoded to real G.729A frames, mixed
with SID frames, erasures and untransmitted frames. The frames are encoded
with bcg729 through ctypes if libbcg729.so is installed (any 80 bits are a
valid frame, so without it the seeds are just the raw PCM bytes).
"""
import ctypes
import ctypes.util
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
WAV = os.path.join(HERE, "..", "benches", "data", "harvard-1-en-us.wav")


def frames():
    data = open(WAV, "rb").read()[44:]
    return [data[i:i + 160] for i in range(0, len(data) - 159, 160)]


def encode(pcm_frames):
    name = ctypes.util.find_library("bcg729")
    if not name:
        return [f[:10] for f in pcm_frames]
    lib = ctypes.CDLL(name)
    lib.initBcg729EncoderChannel.restype = ctypes.c_void_p
    lib.bcg729Encoder.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                  ctypes.POINTER(ctypes.c_uint8)]
    ctx = lib.initBcg729EncoderChannel(0)
    out = []
    for f in pcm_frames:
        buf = ctypes.create_string_buffer(10)
        n = ctypes.c_uint8(0)
        lib.bcg729Encoder(ctx, f, buf, ctypes.byref(n))
        out.append(buf.raw[:n.value])
    return out


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "seed-" + name), "wb").write(data)


def main():
    pcm = frames()
    # encoder
    for k, start in enumerate(range(0, len(pcm) - 24, 200)):
        write("encoder", f"speech-{k}", b"".join(b"\x00" + f for f in pcm[start:start + 24]))
    write("encoder", "extremes", b"\x81\x82" + b"\x03\xff\x7f" + b"\x84\x05\x01\x85\x28\x86"
          + b"\x03\x00\x80" + b"\x07" + bytes(range(80)) + b"\x00" + pcm[300])
    write("encoder", "speech-then-clip", b"".join(b"\x00" + f for f in pcm[100:110])
          + b"\x81" * 4 + b"\x00" + pcm[110] + b"\x82" * 4 + b"\x00" + pcm[111])
    # decoder
    bits = encode(pcm)
    for k, start in enumerate(range(0, len(bits) - 50, 300)):
        write("decoder", f"speech-{k}", b"".join(b"\x00" + f for f in bits[start:start + 50]))
    mixed = b"".join(b"\x00" + f for f in bits[400:420])
    mixed += b"\x02\x02\x00" + bits[420] + b"\x01\x5a\x3c\x03\x03\x03\x01\x12\x34\x03\x02"
    mixed += b"".join(b"\x00" + f for f in bits[421:430]) + b"\x02" * 6 + b"\x00" + bits[430]
    write("decoder", "mixed", mixed)


if __name__ == "__main__":
    main()
