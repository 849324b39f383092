namespace SetHub.Core.Json;

/// <summary>A value that may be absent from a JSON body, as opposed to present and <see langword="null"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="IsPresent">Whether the member was in the body.</param>
/// <param name="Value">Its value when present.</param>
public readonly record struct Optional<T>(bool IsPresent, T Value)
{
    /// <summary>An absent member.</summary>
    public static Optional<T> Absent => default;

    /// <summary>A present member.</summary>
    public static Optional<T> Of(T value) => new(true, value);
}
