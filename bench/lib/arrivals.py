#!/usr/bin/env python3
"""Timing scripts for h2load (--timing-script-file): Poisson arrivals over several connections.

  arrivals.py RATE CONNECTIONS SECONDS SEED URL OUT_PREFIX

Writes OUT_PREFIX-<i>.txt for i in 0..CONNECTIONS-1, one per h2load process with one connection each. Every file
is a Poisson process of RATE/CONNECTIONS requests/s (exponential gaps, its own seed derived from SEED): the sum
over the connections is a Poisson process of RATE requests/s, the usual model of independent clients (here: pods
created by many controllers), with no two connections in step. A file ends at SECONDS or at 990 requests,
whichever comes first (dapr-guard closes a keep-alive connection after 1 000 requests; h2load does not reconnect
in the middle of a script). Lines: offset in milliseconds (microsecond resolution), a tab, the URL. Prints the
number of requests written.
"""
import random
import sys

MAX_PER_CONNECTION = 990


def main():
    rate, conns, seconds = float(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    seed, url, prefix = int(sys.argv[4]), sys.argv[5], sys.argv[6]
    total = 0
    for i in range(conns):
        rng = random.Random(seed * 1000 + i)
        t, n = 0.0, 0
        with open(f"{prefix}-{i}.txt", "w") as f:
            while n < MAX_PER_CONNECTION:
                t += rng.expovariate(rate / conns)
                if t > seconds:
                    break
                f.write(f"{t * 1000:.3f}\t{url}\n")
                n += 1
        total += n
    print(total)


if __name__ == "__main__":
    main()
