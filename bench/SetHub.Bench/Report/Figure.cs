namespace SetHub.Bench.Report;

/// <summary>Which way a figure improves.</summary>
public enum Better
{
    Higher,
    Lower,
}

/// <summary>The raw limit a figure is compared with: a rate the machine reaches doing only the raw operation
/// (for rates), or the least time the raw operations take (a floor, for times and CPU costs).</summary>
public sealed record Limit(string Name, double Value);

/// <summary>A target from the benchmark issue: <c>&gt;=</c>, <c>&lt;=</c> or <c>==</c> a value.</summary>
public sealed record Target(string Comparison, double Value)
{
    public static Target AtLeast(double value) => new(">=", value);

    public static Target AtMost(double value) => new("<=", value);

    public static Target Exactly(double value) => new("==", value);

    public bool IsMetBy(double value) => Comparison switch
    {
        ">=" => value >= Value,
        "<=" => value <= Value,
        _ => value == Value,
    };
}

/// <summary>
/// One measured figure. Its ratio to the raw limit says how close the hub comes to what the machine allows: for a
/// rate, value ÷ limit; for a time or a cost, floor ÷ value. 1.0 would be the raw operation alone; the hub does
/// more work per SET, so expect well below. <see cref="Id"/> is a stable key, so runs (and engines) compare figure
/// by figure.
/// </summary>
public sealed record Figure(string Id, string Name, double? Value, string Unit, Better Better, Limit? Limit = null, Target? Target = null, string? Note = null)
{
    public double? Ratio => Value is not { } value || Limit is null || Limit.Value <= 0 || value <= 0 || double.IsNaN(value)
        ? null
        : Better == Better.Higher ? value / Limit.Value : Limit.Value / value;

    public bool? TargetMet => Value is { } value && Target is not null && !double.IsNaN(value) ? Target.IsMetBy(value) : null;
}
