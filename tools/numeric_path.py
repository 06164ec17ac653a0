"""Print the numeric path this process runs on: numpy's SIMD dispatch and the BLAS.

``make test-portable`` calls it before each nbval run, so the log shows that the
environment variables took effect (``NPY_DISABLE_CPU_FEATURES``,
``OPENBLAS_CORETYPE``, ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg  # noqa: F401  (loads SciPy's own OpenBLAS, so it is listed too)
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
from threadpoolctl import threadpool_info


def main() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # a BLAS call, so the library is loaded
    enabled = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
    print(f"numpy {np.__version__}: SIMD dispatch targets in use: {' '.join(enabled) or 'none (baseline only)'}")
    for pool in threadpool_info():
        print(f"{pool['internal_api']} {pool.get('version')}: kernel {pool.get('architecture')}, "
              f"{pool['num_threads']} thread(s) ({pool['filepath'].rsplit('/', 1)[-1]})")


if __name__ == "__main__":
    main()
