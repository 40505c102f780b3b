#!/usr/bin/env python3
"""Top functions by self instructions per frame, setup subtracted.

    benches/callgrind_top.py target/callgrind/dec-ours-1000.out target/callgrind/dec-ours-0.out 1000

Sums callgrind_annotate's self cost per function (inlined code is listed per
source file; this merges it into its function) in the N-frame run, subtracts
the 0-frame run, divides by N.
"""
import collections
import re
import subprocess
import sys
def agg(f):
    out=subprocess.run(['callgrind_annotate','--threshold=100',f],capture_output=True,text=True).stdout
    d=collections.Counter()
    for l in out.splitlines():
        m=re.match(r'\s*([\d,]+) \([ \d.]+%\)\s+(\S.*?):(\S+)(?: \[.*\])?$',l)
        if m and 'PROGRAM TOTALS' not in l:
            d[m.group(3)]+=int(m.group(1).replace(',',''))
    return d
a=agg(sys.argv[1]); b=agg(sys.argv[2]); n=int(sys.argv[3])
diff={k:a[k]-b.get(k,0) for k in a}
tot=sum(diff.values())
for k,v in sorted(diff.items(),key=lambda x:-x[1])[:12]:
    print(f"{v/n:10.0f} {100*v/tot:5.1f}%  {k}")
print("total/frame",tot/n)
