// Copies what tsc does not: node icons and the codex JSON files beside each node.
const { src, dest, parallel } = require('gulp');

function icons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function codex() {
	return src(['nodes/**/*.node.json'], { base: '.' }).pipe(dest('dist'));
}

exports.build = parallel(icons, codex);
exports.default = exports.build;
