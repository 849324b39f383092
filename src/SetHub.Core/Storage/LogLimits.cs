namespace SetHub.Core.Storage;

/// <summary>What one SET in a stream's log may weigh, in every storage mode alike.</summary>
public static class LogLimits
{
    /// <summary>
    /// The longest compact JWS a stream's log takes: 256 KiB of ASCII. It is fixed by the tightest store, Azure Table,
    /// where an entity holds at most 1 MiB and a string property 64 KiB (UTF-16, so 32 Ki characters): the token is
    /// kept in at most eight such properties, and a batch (100 operations, 4 MiB) always has room for several SETs.
    /// A publish whose SET would be longer is refused with 400 before anything is queued, in every mode, so one SET can
    /// never be a batch no store accepts.
    /// </summary>
    public const int MaxTokenLength = 256 * 1024;
}
