#!/usr/bin/env python3
"""Copies the tensors the CPU backend's op-level PyTorch checks need out of the shared reference data
(refdata/models/unet-sd15-tiny: diffusers v0.40.0, torch 1.13.1, float32) into one small gzipped
safetensors file. Byte-for-byte copies of the stored tensors; nothing is recomputed.

usage: extract.py REFDATA_MODELS_DIR OUT.safetensors.gz
"""
import gzip, json, struct, sys

def read(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    return header, data

src = sys.argv[1] + '/unet-sd15-tiny/'
wh, wd = read(src + 'weights.safetensors')
ih, idata = read(src + 'io.safetensors')
wanted = [(wh, wd, k) for k in [
    'time_embedding.linear_1.weight', 'time_embedding.linear_1.bias',
    'time_embedding.linear_2.weight', 'time_embedding.linear_2.bias',
    'conv_in.weight', 'conv_in.bias', 'conv_norm_out.weight', 'conv_norm_out.bias',
    'conv_out.weight', 'conv_out.bias']] + [(ih, idata, k) for k in [
    'case1.in.sample', 'case1.in.timestep', 'case1.act.time_proj', 'case1.act.time_embedding',
    'case1.act.conv_in', 'case1.act.up_blocks.2', 'case1.act.conv_norm_out', 'case1.out']]
header, blobs, off = {'__metadata__': {'format': 'pt', 'source': 'refdata/models/unet-sd15-tiny'}}, [], 0
for h, d, k in wanted:
    e = h[k]
    b = d[e['data_offsets'][0]:e['data_offsets'][1]]
    header[k] = {'dtype': e['dtype'], 'shape': e['shape'], 'data_offsets': [off, off + len(b)]}
    blobs.append(b)
    off += len(b)
hb = json.dumps(header).encode()
hb += b' ' * (-len(hb) % 8)
with gzip.open(sys.argv[2], 'wb', 9) as f:
    f.write(struct.pack('<Q', len(hb)) + hb + b''.join(blobs))
