package dev.meshdbg.cli.stacks;

import dev.meshdbg.errors.MeshdbgException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stacks", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Symbolized backtraces of every Envoy thread of a pod or workload, in one short stop per pod.",
            "With --local, a process on this machine instead: see meshdbg stacks --local --help."})
public final class StacksCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "TARGET", description = "The pod or workload.")
    String target;

    @Override
    public Integer call() {
        throw MeshdbgException.badInput("stacks TARGET is not wired yet; use stacks --local");
    }
}
