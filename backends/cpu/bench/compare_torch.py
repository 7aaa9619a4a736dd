#!/usr/bin/env python3
"""Times jdiffusion's CPU backend and PyTorch's CPU kernels on the same SD1.5-sized operations, in one run.

    backends/cpu/bench/compare_torch.py [--threads N] [--repeats R] [--runs K] [--only id,id] [--json FILE]

For each repeat and each operation, `jdiffusion bench ops --only OP` (which measures the float32 peak, then
takes the median of K timed calls after at least 3 calls and 2 s of warm-up) runs right before the same
operation in PyTorch (same shapes, dtypes, thread count, same warm-up rule, median of K calls), so both
see the same machine load even when it changes between operations; % of peak uses the peak measured in
that same invocation is printed per repeat, and % of peak in the table divides by the highest peak measured
(the machine's capability; lower readings mean other load). The table shows medians over the repeats; ratio = PyTorch time / jdiffusion time
(> 1: jdiffusion is faster). Without PyTorch (Debian: apt-get install python3-torch) the torch columns
are left out.

PyTorch equivalents: conv2d = F.conv2d; matmul = torch.matmul; linear = F.linear; the float16-weight cases
upcast the weight with .float() per call (PyTorch's CPU conv/linear have no float16 path); attention = the
diffusers AttnProcessor sequence (heads to batch, baddbmm with alpha = scale, softmax, bmm, heads back),
which is what diffusers runs on torch 1.13 (no scaled_dot_product_attention); group/layer norm and SiLU
are their F.* functions.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

IDS = ['conv2d', 'conv2d_fp16', 'conv2d_s2', 'matmul', 'linear', 'linear_fp16', 'attention', 'groupnorm', 'layernorm', 'silu']
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def run_java(threads, runs, only):
    with tempfile.NamedTemporaryFile(suffix='.json', delete=False) as f:
        path = f.name
    cmd = [os.path.join(ROOT, 'jdiffusion'), 'bench', 'ops', '--threads', str(threads), '--runs', str(runs),
           '--json', path]
    if only:
        cmd += ['--only', ','.join(only)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(path) as f:
        rows = json.load(f)
    os.unlink(path)
    return {r['id']: r for r in rows}


def torch_cases(torch):
    F = torch.nn.functional
    g = torch.Generator().manual_seed(0)

    def randn(*shape):
        return torch.randn(*shape, generator=g) * 0.5

    def conv(half):
        x, w, b = randn(2, 320, 64, 64), randn(320, 320, 3, 3), randn(320)
        if half:
            w = w.half()
            return lambda: F.conv2d(x, w.float(), b, padding=1)
        return lambda: F.conv2d(x, w, b, padding=1)

    def conv_s2():
        x, w, b = randn(2, 320, 64, 64), randn(320, 320, 3, 3), randn(320)
        return lambda: F.conv2d(x, w, b, stride=2, padding=1)

    def matmul():
        a, b = randn(4096, 320), randn(320, 1280)
        return lambda: torch.matmul(a, b)

    def linear(half):
        x, w, b = randn(2, 4096, 320), randn(2560, 320), randn(2560)
        if half:
            w = w.half()
            return lambda: F.linear(x, w.float(), b)
        return lambda: F.linear(x, w, b)

    def attention():
        q, k, v = randn(1, 4096, 320), randn(1, 4096, 320), randn(1, 4096, 320)
        heads, d = 8, 40
        scale = d ** -0.5

        def head_to_batch(t):
            b, n, _ = t.shape
            return t.reshape(b, n, heads, d).permute(0, 2, 1, 3).reshape(b * heads, n, d)

        def run():
            qh, kh, vh = head_to_batch(q), head_to_batch(k), head_to_batch(v)
            scores = torch.baddbmm(torch.zeros(qh.shape[0], qh.shape[1], kh.shape[1]), qh, kh.transpose(-1, -2),
                                   beta=0, alpha=scale)
            out = torch.bmm(scores.softmax(dim=-1), vh)
            return out.reshape(1, heads, 4096, d).permute(0, 2, 1, 3).reshape(1, 4096, heads * d)
        return run

    def groupnorm():
        x, w, b = randn(2, 320, 64, 64), randn(320), randn(320)
        return lambda: F.group_norm(x, 32, w, b, 1e-5)

    def layernorm():
        x, w, b = randn(2, 4096, 320), randn(320), randn(320)
        return lambda: F.layer_norm(x, (320,), w, b, 1e-5)

    def silu():
        x = randn(2, 320, 64, 64)
        return lambda: F.silu(x)

    return {'conv2d': lambda: conv(False), 'conv2d_fp16': lambda: conv(True), 'conv2d_s2': conv_s2, 'matmul': matmul,
            'linear': lambda: linear(False), 'linear_fp16': lambda: linear(True), 'attention': attention,
            'groupnorm': groupnorm, 'layernorm': layernorm, 'silu': silu}


def run_torch(torch, ids, threads, runs, warmup=3, warmup_seconds=2.0):
    torch.set_num_threads(threads)
    cases = torch_cases(torch)
    result = {}
    with torch.no_grad():
        for i in ids:
            if i not in cases:
                continue
            op = cases[i]()
            # The same warm-up rule as the Java side: at least `warmup` calls and `warmup_seconds`.
            start, n = time.perf_counter(), 0
            while n < warmup or time.perf_counter() - start < warmup_seconds:
                op()
                n += 1
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                op()
                times.append((time.perf_counter() - t0) * 1e3)
            result[i] = statistics.median(times)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--threads', type=int, default=os.cpu_count())
    ap.add_argument('--repeats', type=int, default=3, help='whole-suite repeats (median over them)')
    ap.add_argument('--runs', type=int, default=7, help='timed calls per op per repeat (median)')
    ap.add_argument('--only', default='', help='comma-separated case ids')
    ap.add_argument('--json', help='write the table as JSON')
    args = ap.parse_args()
    only = [s for s in args.only.split(',') if s]
    try:
        import torch
    except ImportError:
        # Debian's python3-torch lives in the system interpreter's dist-packages; rerun under it.
        system = '/usr/bin/python3'
        if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system) \
                and not os.environ.get('JDIFFUSION_NO_REEXEC'):
            os.environ['JDIFFUSION_NO_REEXEC'] = '1'
            os.execv(system, [system] + sys.argv)
        torch = None
        print('PyTorch not found: torch columns left out (Debian: apt-get install python3-torch)', file=sys.stderr)

    ids = only or IDS
    java_runs, torch_runs = [], []
    for rep in range(args.repeats):
        j_rep, t_rep = {}, {}
        for i in ids:
            print(f'repeat {rep + 1}/{args.repeats}: {i}', file=sys.stderr)
            j_rep.update(run_java(args.threads, args.runs, [i]))
            if torch is not None:
                t_rep.update(run_torch(torch, [i], args.threads, args.runs))
        java_runs.append(j_rep)
        torch_runs.append(t_rep)
    info = java_runs[0]

    rows = []
    peaks = [r['peak_gflops'] for run in java_runs for r in run.values()]
    peak = max(peaks)
    print(f'\n{args.threads} thread(s); float32 peak (Vector API FMA chains) measured {len(peaks)} times: '
          f'max {peak:.1f}, median {statistics.median(peaks):.1f}, min {min(peaks):.1f} GFLOP/s; % peak uses the max')
    print('conv2d and conv2d_fp16 (3x3, stride 1) run as Winograd F(2x2,3x3) here: their GFLOP/s are effective '
          '(direct-convolution operations / time)')
    header = f"{'op':<12} {'shape':<44} {'java ms':>9} {'GFLOP/s':>8} {'% peak':>7}"
    if torch is not None:
        header += f" {'torch ms':>9} {'GFLOP/s':>8} {'ratio':>6}"
    print(header)
    for i in ids:
        r = info[i]
        ms = statistics.median(run[i]['ms'] for run in java_runs)
        flops = r['gflops'] * r['ms'] * 1e6
        gf = flops / (ms * 1e6)
        pct = 100 * gf / peak
        row = {'op': r['op'], 'id': i, 'shape': r['shape'], 'gflops': round(gf, 1), 'pct_of_peak': round(pct, 1),
               'ms': round(ms, 2), 'java_ms_per_repeat': [run[i]['ms'] for run in java_runs],
               'peak_gflops_per_repeat': [run[i]['peak_gflops'] for run in java_runs]}
        line = f"{i:<12} {r['shape']:<44} {ms:9.2f} {gf:8.1f} {pct:7.1f}"
        if torch is not None and all(i in t for t in torch_runs):
            tms = statistics.median(t[i] for t in torch_runs)
            ratio = statistics.median(t[i] / run[i]['ms'] for t, run in zip(torch_runs, java_runs))
            row.update({'torch_ms': round(tms, 2), 'torch_gflops': round(flops / (tms * 1e6), 1),
                        'ratio_torch_time_over_java_time': round(ratio, 2),
                        'torch_ms_per_repeat': [round(t[i], 2) for t in torch_runs]})
            line += f" {tms:9.2f} {flops / (tms * 1e6):8.1f} {ratio:6.2f}"
        rows.append(row)
        print(line)
    print('\nper repeat (java ms / torch ms / peak GFLOP/s measured with the java run):')
    for row in rows:
        reps = zip(row['java_ms_per_repeat'], row.get('torch_ms_per_repeat', [None] * args.repeats),
                   row['peak_gflops_per_repeat'])
        print(f"  {row['id']:<12} " + '  '.join(f"{j:.1f}/{'-' if t is None else f'{t:.1f}'}/{p:.0f}" for j, t, p in reps))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'threads': args.threads, 'peak_gflops': round(peak, 1),
                       'torch': torch.__version__ if torch else None, 'rows': rows}, f, indent=1)


if __name__ == '__main__':
    main()
