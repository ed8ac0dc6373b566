using Fluid;
using Fluid.Ast;

namespace ReverseEtl.Core.Templates;

/// <summary>Finds every <c>row.NAME</c> a parsed template reads, wherever it stands (output, tags, filter arguments).</summary>
internal sealed class RowNameCollector : AstVisitor
{
    private readonly List<string> _names = [];
    private readonly HashSet<string> _seen = new(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> Collect(IFluidTemplate template)
    {
        var collector = new RowNameCollector();
        collector.VisitTemplate(template);
        return collector._names;
    }

    protected override Expression VisitMemberExpression(MemberExpression memberExpression)
    {
        if (memberExpression.Segments is [IdentifierSegment { Identifier: "row" }, IdentifierSegment field, ..] && _seen.Add(field.Identifier))
        {
            _names.Add(field.Identifier);
        }

        return base.VisitMemberExpression(memberExpression);
    }
}
