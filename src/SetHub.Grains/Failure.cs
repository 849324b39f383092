using SetHub.Core.Results;

namespace SetHub.Grains;

/// <summary>An expected failure crossing a grain call: the serializable form of <see cref="OperationError"/>.</summary>
/// <param name="Kind">What kind of failure.</param>
/// <param name="Code">The machine-readable code.</param>
/// <param name="Description">The human-readable explanation.</param>
/// <param name="RetryAfter">For rate limiting: how long to wait.</param>
[GenerateSerializer, Immutable, Alias("SetHub.Failure")]
public sealed record Failure(
    [property: Id(0)] ErrorKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Description,
    [property: Id(3)] TimeSpan? RetryAfter = null)
{
    /// <summary>Converts an <see cref="OperationError"/>.</summary>
    public static Failure From(OperationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new Failure(error.Kind, error.Code, error.Description, error.RetryAfter);
    }

    /// <summary>Back to an <see cref="OperationError"/>.</summary>
    public OperationError ToError() => new(Kind, Code, Description) { RetryAfter = RetryAfter };

    /// <summary>A 404.</summary>
    public static Failure NotFound(string description) => From(OperationError.NotFound(description));

    /// <summary>A 400.</summary>
    public static Failure Invalid(string description) => From(OperationError.Invalid(description));
}

/// <summary>A value or an expected failure, across a grain call.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Value">The value, when successful.</param>
/// <param name="Error">The failure, or <see langword="null"/> when successful.</param>
[GenerateSerializer, Immutable, Alias("SetHub.Outcome`1")]
public sealed record Outcome<T>([property: Id(0)] T? Value, [property: Id(1)] Failure? Error)
{
    /// <summary>Whether it succeeded.</summary>
    public bool IsSuccess => Error is null;

    /// <summary>A success.</summary>
    public static Outcome<T> Success(T value) => new(value, null);

    /// <summary>A failure.</summary>
    public static Outcome<T> Failed(Failure error) => new(default, error);

    /// <summary>A failure.</summary>
    public static Outcome<T> Failed(OperationError error) => new(default, Failure.From(error));

    /// <summary>Converts to Core's result.</summary>
    public Result<T> ToResult() => Error is null ? Result<T>.Success(Value!) : Error.ToError();
}
