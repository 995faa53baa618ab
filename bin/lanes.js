#!/usr/bin/env node
// `npx lanes …`: the lanes CLI (lib/cli/lanes.ts), run through tsx's CommonJS loader.
"use strict";
require("tsx/cjs");
require("../lib/cli/lanes.ts").main(process.argv.slice(2));
