#!/usr/bin/env node
'use strict';
// The `weir` command: runs the compiled CLI (build it first with `npm run build`).
require('../dist/cli.js').main();
