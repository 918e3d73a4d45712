// The arrows between the project's folders (design.md, issue 9). `npm run lint` fails when one is broken.
// process/ is pure and imported by workflow code; departments/ is the contract with departments' own
// systems, which the simulator (a department system) and the engine both depend on, never the reverse.
const ENGINE = '^(api|activities|db|services|workflows|scripts|storage|bench)/|^(main|worker|api)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'nothing-imports-the-api',
      comment: 'The API is an entry point: worker, services, activities, db and scripts never import it.',
      severity: 'error',
      from: {
        path: '^(worker\\.ts$|services/|activities/|db/|scripts/|workflows/|process/|departments/|storage/)',
      },
      to: { path: '^api/' },
    },
    {
      name: 'api-does-not-import-activities',
      comment: 'The API reaches side effects through workflows and db/, and departments/ for the contract.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^activities/' },
    },
    {
      name: 'db-does-not-import-activities',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^activities/' },
    },
    {
      name: 'engine-does-not-import-the-simulator',
      comment: 'The simulator is a department system: it depends on departments/, never the reverse.',
      severity: 'error',
      from: { path: '^(activities|api|db|departments|workflows|process)/' },
      to: { path: '^simulator/' },
    },
    {
      name: 'the-contract-imports-nothing-of-the-engine',
      severity: 'error',
      from: { path: '^departments/' },
      to: { path: `${ENGINE}|^simulator/|^process/` },
    },
    {
      name: 'the-simulator-knows-only-the-contract',
      comment: 'Outside its tests, the simulator imports nothing of the engine but departments/.',
      severity: 'error',
      from: { path: '^simulator/', pathNot: '\\.test\\.ts$' },
      to: { path: `${ENGINE}|^process/|^processes/` },
    },
    {
      name: 'process-is-pure',
      comment: 'process/ is imported by workflow code: no I/O, nothing but its own modules.',
      severity: 'error',
      from: { path: '^process/', pathNot: '\\.test\\.ts$' },
      to: { path: '^(?!process/)', dependencyTypesNot: ['npm', 'npm-dev', 'npm-no-pkg', 'core'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|data|dist|web|\\.venv-temporal|\\.venv-fuzz|\\.fuzz|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.json', '.d.ts', '.d.mts'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
      conditionNames: ['import', 'node', 'default', 'types'],
    },
  },
};
