//! The engine for patterns with look-around or back-references: JavaScript's own backtracking
//! semantics (ECMA-262's RegExp pattern semantics, without `u`) run as a small program with an
//! explicit stack, so a long text cannot overflow the call stack, and with a step limit.
//!
//! As in JavaScript: alternatives and greedy or lazy repetitions are tried in order; each
//! repetition starts with the captures inside it unset, and one that matches empty beyond the
//! minimum fails; look-arounds are atomic, a negative one keeps no captures; a look-behind
//! matches backwards (so its greedy groups take from the right); a back-reference to a group
//! that has not matched matches the empty string.

use std::ops::Range;

use super::{canonicalize, class_set, BacktrackLimit, Group, Node, Set, Syntax, BACKTRACK_LIMIT};

/// The most instructions one pattern compiles to (a counted repetition is written out).
const MAX_INSTRUCTIONS: usize = 100_000;

#[derive(Clone)]
enum Inst {
    /// One character of the set, read forwards or (`back`, in a look-behind) backwards.
    Char {
        set: Set,
        back: bool,
    },
    Start,
    End,
    /// `\b` (true) or `\B` (false), with ASCII word characters.
    WordBoundary(bool),
    /// Goes on at `first`; backtracking comes back to `second`.
    Split {
        first: usize,
        second: usize,
    },
    Jump(usize),
    /// Stores the position in a slot (a group's start or end, or a repetition's mark).
    Save(usize),
    /// Unsets the slots of the groups inside a repetition, as each of its rounds starts.
    Clear(Range<usize>),
    /// Fails when the position is the one the slot holds: a round that matched nothing.
    Progress(usize),
    /// A look-around whose body starts at the next instruction and ends with `Match`; the
    /// pattern goes on at `next`.
    Look {
        negative: bool,
        next: usize,
    },
    /// The text of a group, again, read forwards or backwards.
    BackRef {
        group: usize,
        back: bool,
    },
    Match,
}

/// A compiled backtracking pattern.
#[derive(Clone)]
pub(super) struct Program {
    insts: Vec<Inst>,
    /// Two per group (group 0 is the match), then one per repetition.
    slots: usize,
    groups: usize,
    ignore_case: bool,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Program({} instructions)", self.insts.len())
    }
}

/// A position in the text, or the state to restore when backtracking.
enum Frame {
    Retry { pc: usize, at: usize },
    Restore { slot: usize, value: Option<usize> },
}

impl Program {
    pub(super) fn compile(syntax: &Syntax, ignore_case: bool) -> Result<Program, String> {
        let groups = syntax.names.len() + 1;
        // The number of capture groups opened before each node.
        let mut before = Vec::with_capacity(syntax.nodes.len() + 1);
        let mut opened = 0;
        for n in &syntax.nodes {
            before.push(opened);
            if matches!(n.kind, Node::Open(Group::Capture)) {
                opened += 1;
            }
        }
        before.push(opened);
        let mut c = Compiler { syntax, before, insts: Vec::new(), slots: 2 * groups, ignore_case };
        c.emit(Inst::Save(0))?;
        c.alternation(0..syntax.nodes.len(), false)?;
        c.emit(Inst::Save(1))?;
        c.emit(Inst::Match)?;
        Ok(Program { insts: c.insts, slots: c.slots, groups, ignore_case })
    }

    /// The groups of the first match that starts at `at` or later.
    pub(super) fn search(
        &self,
        text: &str,
        at: usize,
    ) -> Result<Option<Vec<Option<Range<usize>>>>, BacktrackLimit> {
        let mut steps = 0;
        let mut slots = vec![None; self.slots];
        for start in (at..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            if self.run(text, 0, start, &mut slots, &mut steps)?.is_some() {
                let group = |g: usize| match (slots[2 * g], slots[2 * g + 1]) {
                    (Some(s), Some(e)) => Some(s..e),
                    _ => None,
                };
                return Ok(Some((0..self.groups).map(group).collect()));
            }
        }
        Ok(None)
    }

    /// Runs from `pc` at `at` to a `Match`: its position, the slots as they are then. When
    /// nothing matches, the slots are as they were.
    fn run(
        &self,
        text: &str,
        pc: usize,
        at: usize,
        slots: &mut [Option<usize>],
        steps: &mut usize,
    ) -> Result<Option<usize>, BacktrackLimit> {
        let mut stack = vec![Frame::Retry { pc, at }];
        while let Some(frame) = stack.pop() {
            let (mut pc, mut at) = match frame {
                Frame::Retry { pc, at } => (pc, at),
                Frame::Restore { slot, value } => {
                    slots[slot] = value;
                    continue;
                }
            };
            loop {
                *steps += 1;
                if *steps > BACKTRACK_LIMIT {
                    return Err(BacktrackLimit);
                }
                match &self.insts[pc] {
                    Inst::Match => return Ok(Some(at)),
                    Inst::Char { set, back } => {
                        let c = match back {
                            false => text[at..].chars().next(),
                            true => text[..at].chars().next_back(),
                        };
                        match c {
                            Some(c) if set.contains(c) => {
                                at = if *back { at - c.len_utf8() } else { at + c.len_utf8() };
                            }
                            _ => break,
                        }
                    }
                    Inst::Start if at != 0 => break,
                    Inst::End if at != text.len() => break,
                    Inst::Start | Inst::End => {}
                    Inst::WordBoundary(want) => {
                        let word = |c: Option<char>| {
                            c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                        };
                        let edge =
                            word(text[..at].chars().next_back()) != word(text[at..].chars().next());
                        if edge != *want {
                            break;
                        }
                    }
                    Inst::Split { first, second } => {
                        stack.push(Frame::Retry { pc: *second, at });
                        pc = *first;
                        continue;
                    }
                    Inst::Jump(to) => {
                        pc = *to;
                        continue;
                    }
                    Inst::Save(slot) => {
                        stack.push(Frame::Restore { slot: *slot, value: slots[*slot] });
                        slots[*slot] = Some(at);
                    }
                    Inst::Clear(range) => {
                        for slot in range.clone() {
                            if let Some(value) = slots[slot].take() {
                                stack.push(Frame::Restore { slot, value: Some(value) });
                            }
                        }
                    }
                    Inst::Progress(slot) if slots[*slot] == Some(at) => break,
                    Inst::Progress(_) => {}
                    Inst::Look { negative, next } => {
                        let mut inner = slots.to_vec();
                        let found = self.run(text, pc + 1, at, &mut inner, steps)?.is_some();
                        if found == *negative {
                            break;
                        }
                        if !negative {
                            for (slot, value) in inner.into_iter().enumerate() {
                                if slots[slot] != value {
                                    stack.push(Frame::Restore { slot, value: slots[slot] });
                                    slots[slot] = value;
                                }
                            }
                        }
                        pc = *next;
                        continue;
                    }
                    Inst::BackRef { group, back } => {
                        if let (Some(s), Some(e)) = (slots[2 * group], slots[2 * group + 1]) {
                            match self.again(text, at, &text[s..e], *back) {
                                Some(next) => at = next,
                                None => break,
                            }
                        }
                    }
                }
                pc += 1;
            }
        }
        Ok(None)
    }

    /// Where `captured` ends when it is found again at `at` (starts, when `back`): compared
    /// character by character, as case variants can differ in UTF-8 length.
    fn again(&self, text: &str, at: usize, captured: &str, back: bool) -> Option<usize> {
        let same =
            |a: char, b: char| a == b || (self.ignore_case && canonicalize(a) == canonicalize(b));
        let mut at = at;
        if back {
            for want in captured.chars().rev() {
                let have = text[..at].chars().next_back().filter(|&h| same(want, h))?;
                at -= have.len_utf8();
            }
        } else {
            for want in captured.chars() {
                let have = text[at..].chars().next().filter(|&h| same(want, h))?;
                at += have.len_utf8();
            }
        }
        Some(at)
    }
}

struct Compiler<'s> {
    syntax: &'s Syntax,
    /// `before[i]`: how many capture groups open before node `i`.
    before: Vec<usize>,
    insts: Vec<Inst>,
    slots: usize,
    ignore_case: bool,
}

impl Compiler<'_> {
    fn emit(&mut self, inst: Inst) -> Result<usize, String> {
        if self.insts.len() >= MAX_INSTRUCTIONS {
            return Err(format!("it exceeds the size limit of {MAX_INSTRUCTIONS} instructions"));
        }
        self.insts.push(inst);
        Ok(self.insts.len() - 1)
    }

    fn here(&self) -> usize {
        self.insts.len()
    }

    fn patch(&mut self, at: usize, to: usize) {
        match &mut self.insts[at] {
            Inst::Split { second, .. } => *second = to,
            Inst::Jump(t) => *t = to,
            Inst::Look { next, .. } => *next = to,
            _ => {}
        }
    }

    /// The alternatives of nodes `range` (split at its top-level `|`).
    fn alternation(&mut self, range: Range<usize>, back: bool) -> Result<(), String> {
        let nodes = &self.syntax.nodes;
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0usize, range.start);
        for i in range.clone() {
            match nodes[i].kind {
                Node::Open(_) => depth += 1,
                Node::Close => depth -= 1,
                Node::Alt if depth == 0 => {
                    parts.push(start..i);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(start..range.end);
        let last = parts.pop().unwrap_or_default();
        let mut jumps = Vec::new();
        for part in parts {
            let split = self.emit(Inst::Split { first: self.here() + 1, second: 0 })?;
            self.sequence(part, back)?;
            jumps.push(self.emit(Inst::Jump(0))?);
            let next = self.here();
            self.patch(split, next);
        }
        self.sequence(last, back)?;
        let end = self.here();
        for j in jumps {
            self.patch(j, end);
        }
        Ok(())
    }

    /// The terms of nodes `range`, in order (backwards in a look-behind).
    fn sequence(&mut self, range: Range<usize>, back: bool) -> Result<(), String> {
        let mut terms = Vec::new();
        let mut i = range.start;
        while i < range.end {
            let atom_end = match self.syntax.nodes[i].kind {
                Node::Open(_) => self.syntax.close_of(i).map_or(range.end, |c| c + 1),
                _ => i + 1,
            };
            let repeat = match self.syntax.nodes.get(atom_end).map(|n| &n.kind) {
                Some(&Node::Repeat { min, max, lazy }) if atom_end < range.end => {
                    Some((min, max, lazy))
                }
                _ => None,
            };
            terms.push((i..atom_end, repeat));
            i = atom_end + usize::from(repeat.is_some());
        }
        if back {
            terms.reverse();
        }
        for (atom, repeat) in terms {
            match repeat {
                Some((min, max, lazy)) => self.repeat(atom, min, max, lazy, back)?,
                None => self.atom(atom, back)?,
            }
        }
        Ok(())
    }

    fn repeat(
        &mut self,
        atom: Range<usize>,
        min: u32,
        max: Option<u32>,
        lazy: bool,
        back: bool,
    ) -> Result<(), String> {
        let groups = 2 * (self.before[atom.start] + 1)..2 * (self.before[atom.end] + 1);
        let mark = self.slots;
        self.slots += 1;
        for _ in 0..min {
            self.emit(Inst::Clear(groups.clone()))?;
            self.atom(atom.clone(), back)?;
        }
        // One optional round: it must move on, or it fails (JavaScript's empty check).
        let round = |c: &mut Self| -> Result<usize, String> {
            let split = c.emit(Inst::Split { first: 0, second: 0 })?;
            c.emit(Inst::Save(mark))?;
            c.emit(Inst::Clear(groups.clone()))?;
            c.atom(atom.clone(), back)?;
            c.emit(Inst::Progress(mark))?;
            Ok(split)
        };
        let mut splits = Vec::new();
        match max {
            None => {
                let top = round(self)?;
                self.emit(Inst::Jump(top))?;
                splits.push(top);
            }
            Some(max) => {
                for _ in min..max {
                    splits.push(round(self)?);
                }
            }
        }
        let end = self.here();
        for split in splits {
            let body = split + 1;
            self.insts[split] = match lazy {
                false => Inst::Split { first: body, second: end },
                true => Inst::Split { first: end, second: body },
            };
        }
        Ok(())
    }

    fn atom(&mut self, atom: Range<usize>, back: bool) -> Result<(), String> {
        let i = atom.start;
        let body = i + 1..atom.end.saturating_sub(1).max(i + 1);
        match &self.syntax.nodes[i].kind {
            Node::Char(c) => {
                let set = class_set(&Set::of(&[(*c, *c)]), false, self.ignore_case);
                self.emit(Inst::Char { set, back })?;
            }
            Node::Class { set: s, negated } => {
                let set = class_set(s, *negated, self.ignore_case);
                self.emit(Inst::Char { set, back })?;
            }
            Node::Start => _ = self.emit(Inst::Start)?,
            Node::End => _ = self.emit(Inst::End)?,
            Node::WordBoundary => _ = self.emit(Inst::WordBoundary(true))?,
            Node::NotWordBoundary => _ = self.emit(Inst::WordBoundary(false))?,
            Node::BackRef(group) => _ = self.emit(Inst::BackRef { group: *group, back })?,
            Node::Open(Group::Capture) => {
                let g = self.before[i] + 1;
                let (first, second) = if back { (2 * g + 1, 2 * g) } else { (2 * g, 2 * g + 1) };
                self.emit(Inst::Save(first))?;
                self.alternation(body, back)?;
                self.emit(Inst::Save(second))?;
            }
            Node::Open(Group::NonCapture) => self.alternation(body, back)?,
            Node::Open(Group::Ahead(positive)) => self.look(body, !positive, false)?,
            Node::Open(Group::Behind(positive)) => self.look(body, !positive, true)?,
            Node::Close | Node::Alt | Node::Repeat { .. } => {}
        }
        Ok(())
    }

    fn look(&mut self, body: Range<usize>, negative: bool, back: bool) -> Result<(), String> {
        let look = self.emit(Inst::Look { negative, next: 0 })?;
        self.alternation(body, back)?;
        self.emit(Inst::Match)?;
        let next = self.here();
        self.patch(look, next);
        Ok(())
    }
}
