# Convenience targets; npm scripts are the source of truth.
.PHONY: install build test test-unit example bench clean proto

install:
	npm ci

build:
	npm run build

test:
	npm test

test-unit:
	npm run test:unit

example:
	npm run example

bench:
	npm run bench

proto:
	npm run gen:proto

clean:
	npm run clean
