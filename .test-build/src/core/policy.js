"use strict";
/**
 * The cloud-neutral backup policy. Every front end (CDK, Pulumi AWS, Pulumi Azure) and the runner
 * read the same model; durations carry their unit in the prop name because core knows no cloud's
 * Duration type.
 */
Object.defineProperty(exports, "__esModule", { value: true });
