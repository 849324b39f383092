namespace SetHub.Storage.Tests;

/// <summary>A small grain state.</summary>
[GenerateSerializer]
[Alias("sethub.tests.counter-state")]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public string? Label { get; set; }
}

/// <summary>A state as an older release wrote it: what <see cref="CounterStateV2"/> was before it gained a member.</summary>
[GenerateSerializer]
[Alias("sethub.tests.versioned-state.v1")]
public sealed class CounterStateV1
{
    [Id(0)]
    public int Count { get; set; }
}

/// <summary>The same state one release later, with a member added under a new <c>[Id]</c>.</summary>
[GenerateSerializer]
[Alias("sethub.tests.versioned-state.v2")]
public sealed class CounterStateV2
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public List<string> Notes { get; set; } = [];
}
