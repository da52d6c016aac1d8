package io.crashpipe.parsers.module;

import io.crashpipe.parsers.memory.Completeness;
import java.util.List;

/**
 * The loaded modules in list order, and what the list as a whole may lack ({@code modules}: a
 * broken link that could not be walked around), with the reason.
 */
public record ModuleList(List<KernelModule> modules, Completeness completeness) {}
