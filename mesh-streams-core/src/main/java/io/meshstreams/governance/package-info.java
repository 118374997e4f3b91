/**
 * Governance as code: the classification levels that fields carry and that grants clear consumers for.
 */
@NullMarked
package io.meshstreams.governance;

import org.jspecify.annotations.NullMarked;
