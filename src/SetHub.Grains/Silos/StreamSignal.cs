namespace SetHub.Grains.Silos;

/// <summary>What a stream tells the silos whose front doors hold long polls on it.</summary>
public enum StreamSignal
{
    /// <summary>SETs became available: poll again.</summary>
    Available,

    /// <summary>The stream moved (its activation ended): poll again, and register with the new one.</summary>
    Moved,

    /// <summary>The stream was deleted: answer 404.</summary>
    Deleted,
}
