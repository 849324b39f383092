namespace SetHub.Core.Subjects;

/// <summary>
/// A validated subject: an RFC 9493 Subject Identifier, an SSF additional format (SSF 1.0 §3.5), a proprietary
/// format, or an SSF complex subject (SSF 1.0 §3.3). Create one with <see cref="SubjectParser"/>.
/// </summary>
public sealed class SubjectIdentifier : IEquatable<SubjectIdentifier>
{
    internal SubjectIdentifier(
        string format,
        string json,
        string canonicalJson,
        IReadOnlyList<SubjectMember> members,
        IReadOnlyList<SubjectIdentifier> aliases)
    {
        Format = format;
        Json = json;
        CanonicalJson = canonicalJson;
        Members = members;
        Aliases = aliases;
    }

    /// <summary>The <c>format</c> member.</summary>
    public string Format { get; }

    /// <summary>The identifier exactly as it was given (compact JSON), for echoing in SETs.</summary>
    public string Json { get; }

    /// <summary>
    /// Canonical form used for equality and indexing: members sorted by name, values normalised per format
    /// (e-mail addresses lower-cased, IP addresses in RFC 5952 form).
    /// </summary>
    public string CanonicalJson { get; }

    /// <summary>For a complex subject, its simple members (SSF 1.0 §3.3); otherwise empty.</summary>
    public IReadOnlyList<SubjectMember> Members { get; }

    /// <summary>For an <c>aliases</c> identifier, the identifiers it groups (RFC 9493 §3.2.8); otherwise empty.</summary>
    public IReadOnlyList<SubjectIdentifier> Aliases { get; }

    /// <summary>Whether this is an SSF complex subject.</summary>
    public bool IsComplex => Format == SsfConstants.SubjectFormats.Complex;

    /// <summary>
    /// The simple identifiers this subject is made of: itself, each alias, or each complex member's identifiers.
    /// Two subjects can only match when they share one of these (see <see cref="SubjectMatcher"/>), which is what
    /// makes subject lookup an index probe instead of a scan.
    /// </summary>
    public IEnumerable<SubjectIdentifier> SimpleIdentifiers()
    {
        if (IsComplex)
        {
            return Members.SelectMany(member => member.Value.SimpleIdentifiers());
        }

        return Aliases.Count > 0 ? Aliases : [this];
    }

    /// <summary>Whether the two subjects have one of their <see cref="SimpleIdentifiers"/> in common.</summary>
    public bool SharesAnIdentifierWith(SubjectIdentifier other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var mine in SimpleIdentifiers())
        {
            foreach (var theirs in other.SimpleIdentifiers())
            {
                if (mine.Equals(theirs))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The complex subject's member named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public SubjectIdentifier? Member(string name)
    {
        // Members are sorted by name and few; a linear scan beats a dictionary here.
        foreach (var member in Members)
        {
            if (string.Equals(member.Name, name, StringComparison.Ordinal))
            {
                return member.Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public bool Equals(SubjectIdentifier? other) =>
        other is not null && string.Equals(CanonicalJson, other.CanonicalJson, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SubjectIdentifier);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(CanonicalJson);

    /// <inheritdoc />
    public override string ToString() => CanonicalJson;
}

/// <summary>One named member of a complex subject, e.g. <c>user</c> or <c>tenant</c> (SSF 1.0 §3.3).</summary>
/// <param name="Name">The member name.</param>
/// <param name="Value">The member's simple subject identifier.</param>
public sealed record SubjectMember(string Name, SubjectIdentifier Value);
