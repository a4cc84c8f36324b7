#!/usr/bin/env node
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const cli = path.join(__dirname, '..', 'dist', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write(
    'error: Benchtop is not built yet.\nhint: run `npm install` (or `npm run build`) in the Benchtop folder.\n',
  );
  process.exit(2);
}
require(cli);
