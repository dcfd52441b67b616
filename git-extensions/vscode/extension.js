'use strict';
// SessionTrace for VS Code: see README.md. The logic is in lib/, with VS Code passed in.

const vscode = require('vscode');
const { Controller } = require('./lib/controller');

let controller;

function activate(context) {
  controller = new Controller(vscode).activate(context);
  return controller;
}

function deactivate() {
  controller = undefined;
}

module.exports = { activate, deactivate };
