#!/usr/bin/env node
'use strict';
// Builds the installable .vsix (`make vscode`): a zip holding the extension under
// extension/, the VSIX manifest VS Code reads, and the package's content types. Only
// node and zip are needed; nothing is downloaded.
//
//   node build-vsix.js OUTPUT.vsix

const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const here = __dirname;
const output = path.resolve(process.argv[2] || path.join(here, '..', '..', '.build', 'sessiontrace.vsix'));
const manifest = JSON.parse(fs.readFileSync(path.join(here, 'package.json'), 'utf8'));
/** What the extension needs at run time: never its tests. */
const files = ['package.json', 'extension.js', 'README.md', ...fs.readdirSync(path.join(here, 'lib')).map((f) => `lib/${f}`)];

const escape = (text) =>
  String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);

const vsixManifest = `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${escape(manifest.name)}" Version="${escape(manifest.version)}" Publisher="${escape(manifest.publisher)}" />
    <DisplayName>${escape(manifest.displayName)}</DisplayName>
    <Description xml:space="preserve">${escape(manifest.description)}</Description>
    <Categories>${escape(manifest.categories.join(','))}</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${escape(manifest.engines.vscode)}" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionPack" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />
  </Assets>
</PackageManifest>
`;

const contentTypes = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension=".json" ContentType="application/json" />
  <Default Extension=".js" ContentType="application/javascript" />
  <Default Extension=".md" ContentType="text/markdown" />
  <Default Extension=".vsixmanifest" ContentType="text/xml" />
</Types>
`;

const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'sessiontrace-vsix-'));
try {
  fs.writeFileSync(path.join(staging, 'extension.vsixmanifest'), vsixManifest);
  fs.writeFileSync(path.join(staging, '[Content_Types].xml'), contentTypes);
  for (const file of files) {
    const target = path.join(staging, 'extension', file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(here, file), target);
  }
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.rmSync(output, { force: true });
  // -X: no extra file attributes, -D: no directory entries, so the archive is the same every build.
  const zipped = childProcess.spawnSync(
    'zip',
    ['-q', '-X', '-D', output, 'extension.vsixmanifest', '[Content_Types].xml', ...files.map((f) => `extension/${f}`)],
    { cwd: staging, encoding: 'utf8' },
  );
  if (zipped.error || zipped.status !== 0) {
    console.error(`build-vsix: zip failed: ${zipped.error ? zipped.error.message : zipped.stderr.trim()}`);
    process.exit(1);
  }
  console.log(output);
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
