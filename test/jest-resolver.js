// Test code imports its .cts siblings as `./x.cjs` (what tsc emits); jest gets the .cts source.
const fs = require('fs');
const path = require('path');

module.exports = (request, options) => {
	if (request.startsWith('.') && request.endsWith('.cjs') && !options.basedir.includes('node_modules')) {
		const source = path.resolve(options.basedir, request.replace(/\.cjs$/, '.cts'));
		if (fs.existsSync(source)) return source;
	}
	return options.defaultResolver(request, options);
};
