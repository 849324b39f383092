using System.Diagnostics.CodeAnalysis;

namespace SetHub.Core.Results;

/// <summary>Either a value or an <see cref="OperationError"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, OperationError? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The failure, or <see langword="null"/> on success.</summary>
    public OperationError? Error { get; }

    /// <summary>Whether the operation succeeded.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The value; only valid when <see cref="IsSuccess"/>.</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"The operation failed: {Error.Description}");

    /// <summary>A successful result.</summary>
    public static Result<T> Success(T value) => new(value, null);

    /// <summary>A failed result.</summary>
    public static Result<T> Failure(OperationError error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    /// <summary>Wraps a value.</summary>
    public static implicit operator Result<T>(T value) => Success(value);

    /// <summary>Wraps an error.</summary>
    public static implicit operator Result<T>(OperationError error) => Failure(error);
}
