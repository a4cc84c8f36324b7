/**
 * Conda package names that differ on PyPI. The venv backend installs conda
 * dependencies with pip, so it maps them and prints every mapping it made.
 */
const CONDA_TO_PIP: Record<string, string | null> = {
  pytorch: 'torch',
  'pytorch-cpu': 'torch',
  'py-xgboost': 'xgboost',
  'py-lightgbm': 'lightgbm',
  pytables: 'tables',
  opencv: 'opencv-python',
  'py-opencv': 'opencv-python',
  libopencv: null,
  'tensorflow-base': 'tensorflow',
  'python-graphviz': 'graphviz',
  ruamel_yaml: 'ruamel.yaml',
  'msgpack-python': 'msgpack',
  pyyaml: 'PyYAML',
  // Conda-only plumbing with no pip equivalent.
  pip: null,
  python: null,
  setuptools: 'setuptools',
  nomkl: null,
  mkl: null,
  'mkl-service': null,
  blas: null,
  libblas: null,
  cudatoolkit: null,
  'cuda-toolkit': null,
  cudnn: null,
  'pytorch-cuda': null,
  'pytorch-mutex': null,
  cpuonly: null,
  'libgcc-ng': null,
  'libstdcxx-ng': null,
  openssl: null,
  'ca-certificates': null,
};

export interface MappedPackage {
  conda: string;
  /** The pip requirement, or null when the package has no pip equivalent and is skipped. */
  pip: string | null;
  note: string | null;
}

/** `numpy=1.26` -> `numpy==1.26.*`; `conda-forge::scipy>=1.10` -> `scipy>=1.10`; `mkl` -> skipped. */
export function condaToPip(spec: string): MappedPackage {
  const bare = spec.trim().replace(/^[\w.-]+::/, '');
  const match = /^([A-Za-z0-9_.-]+)\s*(.*)$/.exec(bare);
  if (!match) return { conda: spec, pip: bare, note: null };
  const name = (match[1] as string).toLowerCase();
  let constraint = (match[2] ?? '').trim();
  const mappedName = name in CONDA_TO_PIP ? CONDA_TO_PIP[name] : name;
  if (mappedName === null) return { conda: spec, pip: null, note: `${spec}: conda-only, skipped with pip` };
  // conda's "pkg VERSION BUILD" and "pkg=VERSION=BUILD" forms: drop the build string.
  constraint = constraint.replace(/^(=?[^=\s<>!~]+)[=\s]\S+$/, '$1').replace(/^\s+/, '');
  if (/^=[^=]/.test(constraint)) {
    const version = constraint.slice(1);
    constraint = version.includes('*')
      ? `==${version}`
      : version.split('.').length >= 3
        ? `==${version}`
        : `==${version}.*`;
  } else if (/^\d/.test(constraint)) {
    constraint = constraint.includes('*') ? `==${constraint}` : `==${constraint}.*`;
  }
  const pip = `${mappedName}${constraint}`;
  const note = pip === spec.trim() ? null : `${spec} -> ${pip}`;
  return { conda: spec, pip, note };
}
