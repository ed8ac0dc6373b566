using ReverseEtl.Core.Definitions;
using ReverseEtl.Core.Running;
using ReverseEtl.Core.Tests.Support;

namespace ReverseEtl.Core.Tests.Running;

public sealed class RowHashSaltTests
{
    private static readonly SyncDefinition Sync = new RunKit("mode: upsert, fields: { company: name, ref: id }").Sync;

    [Fact]
    public void Of_SameFieldsAgain_SameSixteenHexDigits()
    {
        var salt = RowHashSalt.Of(Sync);

        Assert.Matches("^[0-9a-f]{16}$", salt);
        Assert.Equal(salt, RowHashSalt.Of(new RunKit("mode: upsert, fields: { company: name, ref: id }").Sync));
    }

    // Anything the payload shows differs: a field added, renamed, reordered or reading another column, or every column.
    [Theory]
    [InlineData("company: name, ref: id, extra: name")]
    [InlineData("organisation: name, ref: id")]
    [InlineData("ref: id, company: name")]
    [InlineData("company: id, ref: id")]
    [InlineData("company: name")]
    [InlineData("'compan': yname, ref: id")] // the same characters split elsewhere
    [InlineData("'Zoë 🙂': name, ref: id")]
    public void Of_OtherFields_OtherSalt(string fields)
    {
        var other = new RunKit($"mode: upsert, fields: {{ {fields} }}").Sync;

        Assert.NotEqual(RowHashSalt.Of(Sync), RowHashSalt.Of(other));
    }

    [Fact]
    public void Of_NoFields_DiffersFromAnyFieldsAndColumnsInAnotherCaseAreTheSame()
    {
        var every = Sync with { Fields = null };
        var upper = Sync with { Fields = [new FieldMapping("company", "NAME"), new FieldMapping("ref", "Id")] };

        Assert.NotEqual(RowHashSalt.Of(Sync), RowHashSalt.Of(every));
        Assert.Equal(RowHashSalt.Of(every), RowHashSalt.Of(Sync with { Fields = null, Name = "another" }));
        Assert.Equal(RowHashSalt.Of(Sync), RowHashSalt.Of(upper));
    }
}
