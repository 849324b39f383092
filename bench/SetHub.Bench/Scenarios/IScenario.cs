using SetHub.Bench.Report;

namespace SetHub.Bench.Scenarios;

/// <summary>A bounded measurement: it starts its own hub nodes on a fresh store, measures, and stops them.</summary>
public interface IScenario
{
    /// <summary>Its key in the report and on the command line (<c>--scenarios</c>).</summary>
    string Name { get; }

    /// <summary>Whether it runs on this store (failover needs several nodes, so a shared store: PostgreSQL or Azure Storage).</summary>
    bool Supports(StorageMode mode);

    Task<ScenarioResult> RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}
