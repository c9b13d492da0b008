"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BLUEPRINT_SERVER_DIMENSION = exports.BLUEPRINT_RUNNER_CONTAINER_NAME = void 0;
/** Name of the runner container in the fleet's dump and verify task definitions. */
exports.BLUEPRINT_RUNNER_CONTAINER_NAME = 'runner';
/** The metric dimension, besides `Database`, that tells apart databases of the same name on different servers. */
exports.BLUEPRINT_SERVER_DIMENSION = 'Server';
