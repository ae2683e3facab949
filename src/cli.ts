process.stdout.write('usage: node dist/cli.js decode FILE... | summary FILE\n');
