// The syntax tree of a .cyc file. The participle grammar is written on these
// structs; every node starts with its position (Pos, its first token) and
// records its end (EndPos, the position just past its last token; participle
// fills both). The tree records what was written and nothing more: meaning is
// the checker's job.
package lang

import "github.com/alecthomas/participle/v2/lexer"

// File is a whole .cyc file.
type File struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Package *PackageClause `parser:"@@"`
	Imports []*Import      `parser:"@@*"`
	Decls   []*Decl        `parser:"@@*"`
	// Comments holds every comment of the file in source order, for the
	// formatter. It is filled by Parse, not by the grammar.
	Comments []*Comment
}

// Comment is one // or /* */ comment.
type Comment struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Text   string
}

// PackageClause names the Go package of the generated code.
type PackageClause struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"\"package\" @Ident \";\"?"`
}

// Import brings in a standard-library module ("std/lorenz96") or a file
// relative to the importing one ("./models/ocean.cyc"), optionally renamed.
type Import struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Path   string `parser:"\"import\" @String"`
	Alias  string `parser:"(\"as\" @Ident)? \";\"?"`
}

// Decl is one top-level declaration; exactly one field is set.
type Decl struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Const    *ConstDecl    `parser:"  @@"`
	Carrier  *CarrierDecl  `parser:"| @@"`
	Forward  *ForwardDecl  `parser:"| @@"`
	Obs      *ObsDecl      `parser:"| @@"`
	Analysis *AnalysisDecl `parser:"| @@"`
	Cycle    *CycleDecl    `parser:"| @@"`
}

// ConstDecl is `const N = 40` or `const X0 = [1.0, 0.0, 0.0]`.
type ConstDecl struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"\"const\" @Ident \"=\""`
	Value  *Expr  `parser:"@@ \";\"?"`
}

// CarrierDecl is `carrier State = vec[N]` or `carrier F = grid[64, 32]`,
// optionally followed by options: `carrier L = vec[N] { boundary = clamp }`.
type CarrierDecl struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string       `parser:"\"carrier\" @Ident \"=\""`
	Kind    *Ident       `parser:"@@ \"[\""`
	Shape   []*Expr      `parser:"@@ (\",\" @@)* \"]\""`
	Options *OptionBlock `parser:"@@? \";\"?"`
}

// Ident is a name with a position of its own, such as the kind word of a
// declaration (`etkf` in `analysis A = etkf { … }`), so that messages about
// it point at the word.
type Ident struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@Ident"`
}

// Text is the name, or "" for a nil Ident (a tree built by hand, or cut
// short by a syntax error).
func (i *Ident) Text() string {
	if i == nil {
		return ""
	}
	return i.Name
}

// QualIdent is a possibly qualified name: `State` or `lorenz96.State`.
type QualIdent struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []string `parser:"@Ident (\".\" @Ident)*"`
}

// Signature is the state parameter of a forward or obs block: `(x: State)`.
type Signature struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Var     string     `parser:"\"(\" @Ident \":\""`
	Carrier *QualIdent `parser:"@@ \")\""`
}

// ForwardDecl declares a forward model, either by a body of statements or
// by one of the other forms (`= go "…"`, `= compose(…)`, `= neural "…"`)
// followed by an option block.
type ForwardDecl struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string         `parser:"\"forward\" @Ident"`
	Sig     *Signature     `parser:"@@"`
	Form    *ForwardForm   `parser:"( \"=\" @@"`
	Options *OptionBlock   `parser:"  @@? \";\"?"`
	Body    []*ForwardStmt `parser:"| \"{\" @@* \"}\" \";\"? )"`
}

// ForwardForm is the right-hand side of `forward F(x: S) = …`.
type ForwardForm struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Go      *string      `parser:"  \"go\" @String"`
	Neural  *string      `parser:"| \"neural\" @String"`
	Compose []*QualIdent `parser:"| \"compose\" \"(\" @@ (\",\" @@)* \")\""`
}

// ForwardStmt is one statement of a forward body.
type ForwardStmt struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Param  *ParamStmt `parser:"(  @@"`
	Eq     *Equation  `parser:" | @@"`
	Option *Option    `parser:" | @@ ) (\";\" | \",\")?"`
}

// ParamStmt is `param F = 8.0`.
type ParamStmt struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"\"param\" @Ident \"=\""`
	Value  *Expr  `parser:"@@"`
}

// Equation is `ddt x[i] = e`, `next x[i] = e` or, in obs bodies, `y[j] = e`
// (Kind empty).
type Equation struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Kind   string      `parser:"@(\"ddt\" | \"next\")?"`
	Var    string      `parser:"@Ident \"[\""`
	Index  []*LHSIndex `parser:"@@ (\",\" @@)* \"]\" \"=\""`
	Value  *Expr       `parser:"@@"`
}

// LHSIndex is one index of an equation's left-hand side: an expression
// (`i`, `0`, `N-1`), or a range of elements bound to an index variable,
// `i in 1..N-2`, both ends included.
type LHSIndex struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Var    string `parser:"(  @Ident \"in\""`
	Lo     *Expr  `parser:"   @@ \"..\""`
	Hi     *Expr  `parser:"   @@"`
	Expr   *Expr  `parser:" | @@ )"`
}

// ObsDecl declares an observation operator.
type ObsDecl struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string       `parser:"\"obs\" @Ident"`
	Sig     *Signature   `parser:"@@ \"->\""`
	Out     *QualIdent   `parser:"@@"`
	Form    *ObsForm     `parser:"( \"=\" @@"`
	Options *OptionBlock `parser:"  @@? \";\"?"`
	Body    []*ObsStmt   `parser:"| \"{\" @@* \"}\" \";\"? )"`
}

// ObsForm is the right-hand side of `obs H(x: S) -> O = …`.
type ObsForm struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Go     *string `parser:"  \"go\" @String"`
	Linear *string `parser:"| \"linear\" @String"`
	Call   *Call   `parser:"| @@"`
}

// ObsStmt is one equation of an obs body, optionally followed by `;` or
// `,` (the separators of every block).
type ObsStmt struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Eq     *Equation `parser:"@@ (\";\" | \",\")?"`
}

// AnalysisDecl is `analysis A = etkf { … }` or `analysis X = go "…"`.
type AnalysisDecl struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string       `parser:"\"analysis\" @Ident \"=\""`
	Go      *string      `parser:"( \"go\" @String"`
	Kind    *Ident       `parser:"| @@ )"`
	Options *OptionBlock `parser:"@@? \";\"?"`
}

// CycleDecl is `cycle C = ensemble_da { … }` or `cycle D = sequence(A, B)`.
type CycleDecl struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Name    string       `parser:"\"cycle\" @Ident \"=\""`
	Kind    *Ident       `parser:"@@"`
	Args    *ArgList     `parser:"@@?"`
	Options *OptionBlock `parser:"@@? \";\"?"`
}

// OptionBlock is `{ name = value … }`.
type OptionBlock struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Options []*Option `parser:"\"{\" @@* \"}\""`
}

// Option is `name = value`; value is an expression or `go "…"`.
type Option struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@Ident \"=\""`
	Value  *Value `parser:"@@ (\";\" | \",\")?"`
}

// Value is an option or argument value.
type Value struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Go     *string `parser:"  \"go\" @String"`
	Expr   *Expr   `parser:"| @@"`
}

// ArgList is a parenthesised, comma-separated argument list.
type ArgList struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Args   []*Arg `parser:"\"(\" (@@ (\",\" @@)*)? \")\""`
}

// Arg is a positional (`4`) or named (`radius = 4`) argument.
type Arg struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"(@Ident \"=\")?"`
	Value  *Value `parser:"@@"`
}

// Call is `name` or `name(args)`, as in `subsample(start = 0, step = 2)`.
type Call struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   *QualIdent `parser:"@@"`
	Args   *ArgList   `parser:"@@?"`
}

// Expr is a boolean or arithmetic expression: `||` binds loosest.
type Expr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *AndExpr  `parser:"@@"`
	Rest   []*OrTail `parser:"@@*"`
}

// OrTail is one `|| operand`.
type OrTail struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string   `parser:"@\"||\""`
	Right  *AndExpr `parser:"@@"`
}

// AndExpr is `a && b && …`.
type AndExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *CmpExpr   `parser:"@@"`
	Rest   []*AndTail `parser:"@@*"`
}

// AndTail is one `&& operand`.
type AndTail struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string   `parser:"@\"&&\""`
	Right  *CmpExpr `parser:"@@"`
}

// CmpExpr is an arithmetic expression optionally compared with another.
type CmpExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *AddExpr `parser:"@@"`
	Op     string   `parser:"( @(\"<=\" | \">=\" | \"==\" | \"!=\" | \"<\" | \">\")"`
	Right  *AddExpr `parser:"  @@ )?"`
}

// AddExpr is `a + b - …`.
type AddExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *MulExpr   `parser:"@@"`
	Rest   []*AddTail `parser:"@@*"`
}

// AddTail is one `+ operand` or `- operand`.
type AddTail struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string   `parser:"@(\"+\" | \"-\")"`
	Right  *MulExpr `parser:"@@"`
}

// MulExpr is `a * b / …`.
type MulExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *UnaryExpr `parser:"@@"`
	Rest   []*MulTail `parser:"@@*"`
}

// MulTail is one `* operand` or `/ operand`.
type MulTail struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Op     string     `parser:"@(\"*\" | \"/\")"`
	Right  *UnaryExpr `parser:"@@"`
}

// UnaryExpr is `-x`, `!x` or a power. `-x^2` is `-(x^2)`.
type UnaryExpr struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Op      string     `parser:"(  @(\"-\" | \"!\")"`
	Operand *UnaryExpr `parser:"   @@"`
	Power   *PowerExpr `parser:"| @@ )"`
}

// PowerExpr is `base` or `base ^ exponent` (right-associative).
type PowerExpr struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Base     *Postfix   `parser:"@@"`
	Exponent *UnaryExpr `parser:"(\"^\" @@)?"`
}

// Postfix is a primary, optionally indexed: `x[i-1]`, `q[i, j]`.
type Postfix struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Primary *Primary `parser:"@@"`
	Index   []*Expr  `parser:"(\"[\" @@ (\",\" @@)* \"]\")?"`
}

// Primary is an operand.
type Primary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Number *string `parser:"  @Number"`
	String *string `parser:"| @String"`
	Bool   *string `parser:"| @(\"true\" | \"false\")"`
	Vector []*Expr `parser:"| \"[\" @@ (\",\" @@)* \",\"? \"]\""`
	Paren  *Expr   `parser:"| \"(\" @@ \")\""`
	Call   *Call   `parser:"| @@"`
}
