//! The examples and rules of RFC 3921 §10 (privacy lists), one test per subsection rule,
//! through the public API of `xmpp_im::privacy`.

use xmpp_core::StanzaErrorCondition as C;
use xmpp_im::privacy::{
    ActiveChange, Contact, Context, Direction, EditError, Lists, Outcome, Query, Request,
    Selection, StanzaKind, Verdict, decide,
};
use xmpp_im::roster::{self, Subscription};
use xmpp_jid::Jid;
use xmpp_xml::{Element, Event, Limits, Parser};

use Direction::{Inbound as IN, Outbound as OUT};

fn element(xml: &str) -> Element<'static> {
    let mut p = Parser::document(Limits::default());
    p.feed(xml.as_bytes());
    let mut el = None;
    while let Ok(Some(ev)) = p.next_event() {
        if let Event::Stanza(s) = ev {
            el = s.to_element().ok().map(Element::into_owned);
        }
    }
    el.expect("one well-formed element")
}

fn query(xml: &str) -> Query {
    Query::from_element(element(xml).as_ref()).expect("a valid privacy query")
}

/// A privacy query holding `inner`.
fn q(inner: &str) -> Query {
    query(&format!("<query xmlns='jabber:iq:privacy'>{inner}</query>"))
}

fn jid(s: &str) -> Jid {
    Jid::parse(s).expect("valid JID")
}

fn set(lists: &mut Lists, inner: &str, ctx: &Context<'_>) -> Result<Outcome, EditError> {
    lists.handle(Request::Set(&q(inner)), ctx)
}

fn get(lists: &mut Lists, inner: &str, ctx: &Context<'_>) -> Result<Outcome, EditError> {
    lists.handle(Request::Get(&q(inner)), ctx)
}

/// The three lists of the RFC 3921 §10.3 example, 'public' the default.
fn romeo() -> Lists {
    let mut lists = Lists::default();
    let ctx = Context::default();
    for l in [
        "<list name='public'><item type='jid' value='tybalt@example.com' action='deny' \
         order='1'/><item action='allow' order='2'/></list>",
        "<list name='private'><item type='subscription' value='both' action='allow' \
         order='10'/><item action='deny' order='15'/></list>",
        "<list name='special'><item type='jid' value='juliet@example.com' action='allow' \
         order='6'/><item type='jid' value='benvolio@example.org' action='allow' \
         order='7'/><item type='jid' value='mercutio@example.org' action='allow' \
         order='42'/><item action='deny' order='666'/></list>",
    ] {
        set(&mut lists, l, &ctx).expect("stored");
    }
    set(&mut lists, "<default name='public'/>", &ctx).expect("default set");
    lists
}

fn err(r: Result<Outcome, EditError>) -> C {
    r.expect_err("refused").condition()
}

// RFC 3921 §10.1: the syntax example: type, value, action, order, stanza kinds.
#[test]
fn s10_1_syntax() {
    let list = q(
        "<list name='foo'><item type='jid' value='bar@example.com' action='deny' \
                  order='4294967295'><message/><presence-in/><presence-out/><iq/></item>\
                  </list>",
    );
    let item = &list.lists[0].items[0];
    assert_eq!(item.order, u32::MAX);
    assert!(
        item.kinds.message && item.kinds.iq && item.kinds.presence_in && item.kinds.presence_out
    );
    assert_eq!(query(&xml(&list)), list);
}

fn xml(q: &Query) -> String {
    q.to_element().to_xml().expect("writable")
}

// RFC 3921 §10.1: a group item naming a group absent from the roster gets item-not-found
// (SHOULD); a group of the roster is accepted.
#[test]
fn s10_1_unknown_group_is_item_not_found() {
    let mut ri = roster::Item::new(jid("tybalt@example.com"));
    ri.groups = vec!["Enemies".into()];
    let roster = [ri];
    let known = |g: &str| roster.iter().any(|r| r.groups.iter().any(|own| own == g));
    let ctx = Context {
        roster_group: Some(&known),
        ..Context::default()
    };
    let mut lists = Lists::default();
    let r = set(
        &mut lists,
        "<list name='g'><item type='group' value='Friends' action='deny' order='1'/></list>",
        &ctx,
    );
    assert_eq!(r, Err(EditError::UnknownGroup("Friends".into())));
    assert_eq!(lists, Lists::default());
    set(
        &mut lists,
        "<list name='g'><item type='group' value='Enemies' action='deny' order='1'/></list>",
        &ctx,
    )
    .expect("a roster group");
}

// RFC 3921 §10.1: non-unique order values: bad-request, from the reader and from a list
// built in code.
#[test]
fn s10_1_duplicate_order_is_bad_request() {
    let e = element(
        "<query xmlns='jabber:iq:privacy'><list name='l'><item action='deny' order='1'/>\
         <item action='allow' order='1'/></list></query>",
    );
    let e = Query::from_element(e.as_ref()).expect_err("refused");
    assert_eq!(e.condition(), C::BadRequest);
    let mut built = q("<list name='l'><item action='deny' order='1'/></list>");
    let again = built.lists[0].items[0].clone();
    built.lists[0].items.push(again);
    let mut lists = Lists::default();
    let r = lists.handle(Request::Set(&built), &Context::default());
    assert_eq!(r, Err(EditError::DuplicateOrder(1)));
    assert_eq!(r.expect_err("refused").condition(), C::BadRequest);
    assert!(lists.lists.is_empty());
}

// RFC 3921 §10.1: a set holds exactly one child; otherwise bad-request and no change.
#[test]
fn s10_1_set_with_other_than_one_child_is_bad_request() {
    let ctx = Context::default();
    for inner in [
        "",
        "<active name='public'/><default name='public'/>",
        "<active name='public'/><list name='private'/>",
        "<list name='public'/><list name='private'/>",
        "<default/><x xmlns='urn:x'/>",
        "<x xmlns='urn:x'/>",
    ] {
        let mut lists = romeo();
        let before = lists.clone();
        let r = set(&mut lists, inner, &ctx);
        assert_eq!(err(r), C::BadRequest, "{inner}");
        assert_eq!(lists, before);
    }
}

// RFC 3921 §10.2 rule 1: the active list only, never layered with the default.
#[test]
fn s10_2_active_list_only() {
    let lists = romeo();
    let t = jid("tybalt@example.com/pda");
    let tybalt = Contact::unknown(&t);
    // The default 'public' denies Tybalt; the active 'special' falls through to deny too,
    // but 'private' lets a contact with a 'both' subscription through.
    assert_eq!(
        lists.decide(None, IN, StanzaKind::Message, &tybalt),
        Verdict::Drop
    );
    let friend = Contact {
        jid: &t,
        subscription: Subscription::Both,
        groups: &[],
    };
    assert_eq!(
        lists.decide(Some("private"), IN, StanzaKind::Message, &friend),
        Verdict::Allow,
        "the default list's deny is not applied under an active list"
    );
    let j = jid("juliet@example.com/balcony");
    let juliet = Contact::unknown(&j);
    assert_eq!(
        lists.decide(None, IN, StanzaKind::Message, &juliet),
        Verdict::Allow
    );
    assert_eq!(
        lists.decide(Some("private"), IN, StanzaKind::Message, &juliet),
        Verdict::Drop,
        "the default list's allow is not applied under an active list"
    );
}

// RFC 3921 §10.2 rule 2: without an active list (or without sessions), the default.
#[test]
fn s10_2_default_when_no_active() {
    let lists = romeo();
    assert_eq!(
        lists.applicable(None).map(|l| l.name.as_str()),
        Some("public")
    );
    assert_eq!(
        lists.applicable(Some("special")).map(|l| l.name.as_str()),
        Some("special")
    );
}

// RFC 3921 §10.2 rule 3: no active and no default list: everything is accepted.
#[test]
fn s10_2_no_list_allows_everything() {
    let mut lists = romeo();
    set(&mut lists, "<default/>", &Context::default()).expect("declined");
    let t = jid("tybalt@example.com/pda");
    let c = Contact::unknown(&t);
    assert!(lists.applicable(None).is_none());
    for dir in [IN, OUT] {
        for kind in StanzaKind::ALL {
            assert_eq!(lists.decide(None, dir, kind, &c), Verdict::Allow);
        }
    }
}

// RFC 3921 §10.2 rules 5 to 7: ascending order, first match, implicit allow.
#[test]
fn s10_2_order_first_match_and_fall_through() {
    let mut lists = Lists::default();
    set(
        &mut lists,
        "<list name='l'><item action='deny' order='30'/>\
         <item type='jid' value='example.com' action='deny' order='20'/>\
         <item type='jid' value='nurse@example.com' action='allow' order='10'/></list>",
        &Context::default(),
    )
    .expect("stored");
    let l = lists.get("l").expect("stored");
    let n = jid("nurse@example.com/home");
    let t = jid("tybalt@example.com");
    let p = jid("paris@example.org");
    let kind = StanzaKind::Message;
    assert_eq!(decide(l, IN, kind, &Contact::unknown(&n)), Verdict::Allow);
    assert_eq!(
        l.first_match(IN, kind, &Contact::unknown(&t))
            .map(|i| i.order),
        Some(20)
    );
    assert_eq!(
        l.first_match(IN, kind, &Contact::unknown(&p))
            .map(|i| i.order),
        Some(30)
    );
    // Without the fall-through item the stranger is allowed (rule 7).
    set(
        &mut lists,
        "<list name='l'><item type='jid' value='example.com' action='deny' order='20'/></list>",
        &Context::default(),
    )
    .expect("stored");
    let l = lists.get("l").expect("stored");
    assert_eq!(decide(l, IN, kind, &Contact::unknown(&p)), Verdict::Allow);
    assert_eq!(decide(l, IN, kind, &Contact::unknown(&t)), Verdict::Drop);
}

// RFC 3921 §10.2 rule 8: a redefined active list governs the next stanza.
#[test]
fn s10_2_redefined_active_list_applies() {
    let mut lists = romeo();
    let t = jid("tybalt@example.com");
    let c = Contact::unknown(&t);
    let active = Some("public");
    assert_eq!(
        lists.decide(active, IN, StanzaKind::Message, &c),
        Verdict::Drop
    );
    let others = [Some("public")];
    let ctx = Context {
        active,
        others: &others,
        roster_group: None,
    };
    set(
        &mut lists,
        "<list name='public'><item action='allow' order='1'/></list>",
        &ctx,
    )
    .expect("an edit of a list in use is allowed");
    assert_eq!(
        lists.decide(active, IN, StanzaKind::Message, &c),
        Verdict::Allow
    );
}

// RFC 3921 §10.2 rule 9: a roster change counts for the next stanza.
#[test]
fn s10_2_roster_changes_count_at_once() {
    let lists = romeo();
    let m = jid("mercutio@example.org/x");
    let mut ri = roster::Item::new(jid("mercutio@example.org"));
    ri.subscription = Some(Subscription::To);
    let active = Some("private");
    let kind = StanzaKind::PresenceNotification;
    assert_eq!(
        lists.decide(active, IN, kind, &Contact::new(&m, Some(&ri))),
        Verdict::Drop
    );
    ri.subscription = Some(Subscription::Both);
    assert_eq!(
        lists.decide(active, IN, kind, &Contact::new(&m, Some(&ri))),
        Verdict::Allow
    );
}

// RFC 3921 §10.2 rule 10, §10.6: an edit is pushed by name only, to every resource.
#[test]
fn s10_2_edit_is_pushed_by_name() {
    let mut lists = romeo();
    let o = set(
        &mut lists,
        "<list name='special'><item action='deny' order='1'/></list>",
        &Context::default(),
    )
    .expect("stored");
    assert_eq!(o.push.as_deref(), Some("special"));
    assert!(o.stored);
    assert_eq!(
        xml(&Query::push("special")),
        "<query xmlns='jabber:iq:privacy'><list name='special'/></query>"
    );
}

// RFC 3921 §10.2 rule 11: removing a list, or changing the default, while it applies to
// another connected resource: conflict, and no change.
#[test]
fn s10_2_conflict_when_in_use_elsewhere() {
    let others = [Some("special")];
    let ctx = Context {
        active: None,
        others: &others,
        roster_group: None,
    };
    let mut lists = romeo();
    let before = lists.clone();
    assert_eq!(
        set(&mut lists, "<list name='special'/>", &ctx),
        Err(EditError::InUse("special".into()))
    );
    assert_eq!(lists, before);
    // The other session has an active list, so the default applies to no one else.
    set(&mut lists, "<default name='private'/>", &ctx).expect("default changed");
    assert_eq!(lists.default.as_deref(), Some("private"));
    // Now another session relies on the default.
    let others = [None];
    let ctx = Context {
        others: &others,
        ..ctx
    };
    let before = lists.clone();
    assert_eq!(
        err(set(&mut lists, "<default name='special'/>", &ctx)),
        C::Conflict
    );
    assert_eq!(
        err(set(&mut lists, "<list name='private'/>", &ctx)),
        C::Conflict
    );
    assert_eq!(lists, before);
}

// RFC 3921 §10.3: the names, active and default first, as in the example.
#[test]
fn s10_3_names() {
    let mut lists = romeo();
    let ctx = Context {
        active: Some("private"),
        ..Context::default()
    };
    let o = get(&mut lists, "", &ctx).expect("names");
    let want = q(
        "<active name='private'/><default name='public'/><list name='public'/>\
                  <list name='private'/><list name='special'/>",
    );
    assert_eq!(o.result, Some(want));
    assert!(!o.stored);
    assert_eq!(o.push, None);
    // Without active or default list, neither element.
    let mut plain = Lists::default();
    let o = get(&mut plain, "", &Context::default()).expect("names");
    assert_eq!(o.result, Some(Query::default()));
}

// RFC 3921 §10.3: one list by name, as in the examples.
#[test]
fn s10_3_one_list() {
    let mut lists = romeo();
    let ctx = Context::default();
    let o = get(&mut lists, "<list name='public'/>", &ctx).expect("the list");
    assert_eq!(
        o.result,
        Some(q(
            "<list name='public'><item type='jid' value='tybalt@example.com' \
                action='deny' order='1'/><item action='allow' order='2'/></list>"
        ))
    );
    let o = get(&mut lists, "<list name='private'/>", &ctx).expect("the list");
    let result = o.result.expect("payload");
    assert_eq!(result.lists[0].items.len(), 2);
    assert_eq!(result.lists[0].items[0].order, 10);
}

// RFC 3921 §10.3: a list that does not exist: item-not-found.
#[test]
fn s10_3_unknown_list_is_item_not_found() {
    let mut lists = romeo();
    let r = get(
        &mut lists,
        "<list name='The Empty Set'/>",
        &Context::default(),
    );
    assert_eq!(r, Err(EditError::NoSuchList("The Empty Set".into())));
    let e = r.expect_err("refused").to_stanza_error();
    assert_eq!(e.condition, C::ItemNotFound);
    assert_eq!(e.kind, xmpp_core::ErrorType::Cancel);
}

// RFC 3921 §10.3: more than one list in a get: bad-request.
#[test]
fn s10_3_several_lists_is_bad_request() {
    let mut lists = romeo();
    let r = get(
        &mut lists,
        "<list name='public'/><list name='private'/><list name='special'/>",
        &Context::default(),
    );
    assert_eq!(r, Err(EditError::SeveralLists));
    let e = r.expect_err("refused").to_stanza_error();
    assert_eq!(e.condition, C::BadRequest);
    assert_eq!(e.kind, xmpp_core::ErrorType::Modify);
}

// RFC 3921 §10.4: setting the active list; it is in force for the sender only.
#[test]
fn s10_4_set_active() {
    let mut lists = romeo();
    let before = lists.clone();
    let o = set(&mut lists, "<active name='special'/>", &Context::default()).expect("set");
    assert_eq!(o.active, ActiveChange::Set("special".into()));
    assert!(!o.stored && o.push.is_none() && o.result.is_none());
    assert_eq!(
        lists, before,
        "the active list is the session's, not stored"
    );
}

// RFC 3921 §10.4: an active list that does not exist: item-not-found.
#[test]
fn s10_4_unknown_active_is_item_not_found() {
    let mut lists = romeo();
    let r = set(
        &mut lists,
        "<active name='The Empty Set'/>",
        &Context::default(),
    );
    assert_eq!(err(r), C::ItemNotFound);
}

// RFC 3921 §10.4: declining any active list.
#[test]
fn s10_4_decline_active() {
    let mut lists = romeo();
    let ctx = Context {
        active: Some("special"),
        ..Context::default()
    };
    let o = set(&mut lists, "<active/>", &ctx).expect("declined");
    assert_eq!(o.active, ActiveChange::Cleared);
}

// RFC 3921 §10.5: changing the default list.
#[test]
fn s10_5_set_default() {
    let mut lists = romeo();
    let others = [Some("private")];
    let ctx = Context {
        others: &others,
        ..Context::default()
    };
    let o = set(&mut lists, "<default name='special'/>", &ctx).expect("set");
    assert!(o.stored);
    assert_eq!(o.active, ActiveChange::Unchanged);
    assert_eq!(lists.default.as_deref(), Some("special"));
}

// RFC 3921 §10.5: the default in use by another resource: conflict.
#[test]
fn s10_5_change_default_in_use_is_conflict() {
    let mut lists = romeo();
    let others = [Some("private"), None];
    let ctx = Context {
        others: &others,
        ..Context::default()
    };
    let r = set(&mut lists, "<default name='special'/>", &ctx);
    assert_eq!(r, Err(EditError::InUse("public".into())));
    assert_eq!(
        r.expect_err("refused").to_stanza_error().kind,
        xmpp_core::ErrorType::Cancel
    );
    assert_eq!(lists.default.as_deref(), Some("public"));
    // Naming the default that is already set changes nothing and succeeds.
    let o = set(&mut lists, "<default name='public'/>", &ctx).expect("no change");
    assert!(!o.stored);
}

// RFC 3921 §10.5: a default list that does not exist: item-not-found.
#[test]
fn s10_5_unknown_default_is_item_not_found() {
    let mut lists = romeo();
    let r = set(
        &mut lists,
        "<default name='The Empty Set'/>",
        &Context::default(),
    );
    assert_eq!(err(r), C::ItemNotFound);
}

// RFC 3921 §10.5: declining the default list.
#[test]
fn s10_5_decline_default() {
    let mut lists = romeo();
    let o = set(&mut lists, "<default/>", &Context::default()).expect("declined");
    assert!(o.stored);
    assert_eq!(lists.default, None);
}

// RFC 3921 §10.5: declining the default while another resource relies on it: conflict.
#[test]
fn s10_5_decline_default_in_use_is_conflict() {
    let mut lists = romeo();
    let others = [None];
    let ctx = Context {
        active: Some("private"),
        others: &others,
        roster_group: None,
    };
    assert_eq!(err(set(&mut lists, "<default/>", &ctx)), C::Conflict);
    assert_eq!(lists.default.as_deref(), Some("public"));
}

// RFC 3921 §10.6: the edit example: the whole new list replaces the old one, and is
// pushed.
#[test]
fn s10_6_edit_replaces_whole_list() {
    let mut lists = romeo();
    let o = set(
        &mut lists,
        "<list name='public'><item type='jid' value='tybalt@example.com' action='deny' \
         order='3'/><item type='jid' value='paris@example.org' action='deny' order='5'/>\
         <item action='allow' order='68'/></list>",
        &Context::default(),
    )
    .expect("edited");
    assert_eq!(o.push.as_deref(), Some("public"));
    assert_eq!(o.result, None);
    let l = lists.get("public").expect("kept");
    let orders: Vec<_> = l.items.iter().map(|i| i.order).collect();
    assert_eq!(orders, [3, 5, 68]);
    let names: Vec<_> = lists.lists.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["public", "private", "special"], "edited in place");
    let p = jid("paris@example.org");
    assert_eq!(
        lists.decide(None, IN, StanzaKind::Message, &Contact::unknown(&p)),
        Verdict::Drop
    );
}

// RFC 3921 §10.7: a new list is added the same way, pushed, and a known name overwrites.
#[test]
fn s10_7_add_list() {
    let mut lists = romeo();
    let o = set(
        &mut lists,
        "<list name='new'><item action='deny' order='1'><iq/></item></list>",
        &Context::default(),
    )
    .expect("added");
    assert_eq!(o.push.as_deref(), Some("new"));
    assert_eq!(lists.lists.len(), 4);
    set(
        &mut lists,
        "<list name='new'><item action='allow' order='2'/></list>",
        &Context::default(),
    )
    .expect("overwritten");
    assert_eq!(lists.lists.len(), 4);
    assert_eq!(lists.get("new").map(|l| l.items[0].order), Some(2));
}

// RFC 3921 §10.8: removing a list with an empty <list/>; pushed; the sender's own active
// list and the default are cleared with it.
#[test]
fn s10_8_remove() {
    let mut lists = romeo();
    let o = set(&mut lists, "<list name='private'/>", &Context::default()).expect("removed");
    assert!(o.stored);
    assert_eq!(o.push.as_deref(), Some("private"));
    assert!(lists.get("private").is_none());
    let ctx = Context {
        active: Some("public"),
        ..Context::default()
    };
    let o = set(&mut lists, "<list name='public'/>", &ctx).expect("removed");
    assert_eq!(o.active, ActiveChange::Cleared);
    assert_eq!(lists.default, None);
}

// RFC 3921 §10.8: a list active for another resource: conflict.
#[test]
fn s10_8_remove_in_use_is_conflict() {
    let mut lists = romeo();
    let others = [Some("private")];
    let ctx = Context {
        active: Some("private"),
        others: &others,
        roster_group: None,
    };
    assert_eq!(
        err(set(&mut lists, "<list name='private'/>", &ctx)),
        C::Conflict
    );
    assert!(lists.get("private").is_some());
    // Once that resource uses another list, it can go.
    let others = [Some("special")];
    let ctx = Context {
        others: &others,
        ..ctx
    };
    set(&mut lists, "<list name='private'/>", &ctx).expect("removed");
}

// RFC 3921 §10.8: removing a list that does not exist: item-not-found.
#[test]
fn s10_8_remove_unknown_is_item_not_found() {
    let mut lists = romeo();
    assert_eq!(
        err(set(
            &mut lists,
            "<list name='The Empty Set'/>",
            &Context::default()
        )),
        C::ItemNotFound
    );
}

// RFC 3921 §10.8: removing several lists in one request: bad-request.
#[test]
fn s10_8_remove_several_is_bad_request() {
    let mut lists = romeo();
    let r = set(
        &mut lists,
        "<list name='public'/><list name='special'/>",
        &Context::default(),
    );
    assert_eq!(r, Err(EditError::SeveralLists));
    assert_eq!(lists.lists.len(), 3);
}

/// The four examples of one of §10.9 to §10.12: by JID, by group, by subscription,
/// globally; each blocks exactly `kind` in `dir` for the contact it names.
fn check_kind_examples(child: &str, dir: Direction, kind: StanzaKind, sub: &str) {
    let t = jid("tybalt@example.com/pda");
    let enemies = ["Enemies".to_owned()];
    let lists_of = |item: String| {
        let mut lists = Lists::default();
        set(
            &mut lists,
            &format!("<list name='l'>{item}</list>"),
            &Context::default(),
        )
        .expect("stored");
        lists
    };
    let subscription = Subscription::from_name(sub).expect("a subscription");
    let blocked = [
        (
            format!(
                "<item type='jid' value='tybalt@example.com' action='deny' order='3'>{child}</item>"
            ),
            Contact::unknown(&t),
        ),
        (
            format!("<item type='group' value='Enemies' action='deny' order='4'>{child}</item>"),
            Contact {
                jid: &t,
                subscription: Subscription::Both,
                groups: &enemies,
            },
        ),
        (
            format!(
                "<item type='subscription' value='{sub}' action='deny' order='5'>{child}</item>"
            ),
            Contact {
                jid: &t,
                subscription,
                groups: &[],
            },
        ),
        (
            format!("<item action='deny' order='6'>{child}</item>"),
            Contact::unknown(&t),
        ),
    ];
    let other = jid("juliet@example.com");
    let friend = Contact {
        jid: &other,
        subscription: if subscription == Subscription::Both {
            Subscription::To
        } else {
            Subscription::Both
        },
        groups: &[],
    };
    for (i, (item, contact)) in blocked.iter().enumerate() {
        let lists = lists_of(item.clone());
        let l = lists.get("l").expect("stored");
        for d in [IN, OUT] {
            for k in StanzaKind::ALL {
                let v = decide(l, d, k, contact);
                if d == dir
                    && (k == kind || (kind == StanzaKind::IqRequest && k == StanzaKind::IqResponse))
                {
                    assert_eq!(v, Verdict::blocked(d, k), "{item}: {d:?} {k:?}");
                } else {
                    assert_eq!(v, Verdict::Allow, "{item}: {d:?} {k:?}");
                }
            }
        }
        // The JID, group and subscription items leave others alone.
        if i < 3 {
            assert_eq!(decide(l, dir, kind, &friend), Verdict::Allow, "{item}");
        }
    }
}

// RFC 3921 §10.9: blocking messages.
#[test]
fn s10_9_blocking_messages() {
    check_kind_examples("<message/>", IN, StanzaKind::Message, "none");
}

// RFC 3921 §10.10: blocking inbound presence notifications (not subscriptions).
#[test]
fn s10_10_blocking_inbound_presence() {
    check_kind_examples("<presence-in/>", IN, StanzaKind::PresenceNotification, "to");
}

// RFC 3921 §10.11: blocking outbound presence notifications.
#[test]
fn s10_11_blocking_outbound_presence() {
    check_kind_examples(
        "<presence-out/>",
        OUT,
        StanzaKind::PresenceNotification,
        "from",
    );
}

// RFC 3921 §10.12: blocking IQ stanzas.
#[test]
fn s10_12_blocking_iq() {
    check_kind_examples("<iq/>", IN, StanzaKind::IqRequest, "none");
}

// RFC 3921 §10.13: an item without children blocks everything both ways, subscription
// presence included.
#[test]
fn s10_13_blocking_all() {
    let t = jid("tybalt@example.com/pda");
    let enemies = ["Enemies".to_owned()];
    let cases = [
        (
            "<item type='jid' value='tybalt@example.com' action='deny' order='23'/>",
            Contact::unknown(&t),
        ),
        (
            "<item type='group' value='Enemies' action='deny' order='13'/>",
            Contact {
                jid: &t,
                subscription: Subscription::Both,
                groups: &enemies,
            },
        ),
        (
            "<item type='subscription' value='none' action='deny' order='11'/>",
            Contact::unknown(&t),
        ),
        ("<item action='deny' order='7'/>", Contact::unknown(&t)),
    ];
    for (item, contact) in cases {
        let mut lists = Lists::default();
        set(
            &mut lists,
            &format!("<list name='all'>{item}</list>"),
            &Context::default(),
        )
        .expect("stored");
        let active = Some("all");
        for d in [IN, OUT] {
            for k in StanzaKind::ALL {
                let v = lists.decide(active, d, k, &contact);
                assert!(!v.is_allowed(), "{item}: {d:?} {k:?}");
                assert_eq!(v, Verdict::blocked(d, k));
            }
        }
        assert_eq!(
            lists.decide(active, IN, StanzaKind::PresenceOther, &contact),
            Verdict::Drop,
            "a blocked subscription request is dropped"
        );
    }
}

// RFC 3921 §10.14: a blocked entity's message and presence are dropped silently; its IQ
// get or set gets service-unavailable (the example); its IQ result or error is dropped.
#[test]
fn s10_14_blocked_entity() {
    let lists = romeo();
    let t = jid("tybalt@example.com/pda");
    let c = Contact::unknown(&t);
    let probing = element(
        "<iq xmlns='jabber:client' type='get' to='romeo@example.net' \
         from='tybalt@example.com/pda' id='probing1'><query xmlns='jabber:iq:version'/></iq>",
    );
    let kind = StanzaKind::classify(probing.name(), probing.attr("type")).expect("a stanza");
    let v = lists.decide(None, IN, kind, &c);
    assert_eq!(v, Verdict::Reject(C::ServiceUnavailable));
    let reply = v.reply(probing.as_ref()).expect("an answer");
    let want = element(
        "<iq xmlns='jabber:client' to='tybalt@example.com/pda' from='romeo@example.net' \
         id='probing1' type='error'><query xmlns='jabber:iq:version'/><error type='cancel'>\
         <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    assert_eq!(reply, want);
    for (name, ty) in [
        ("message", Some("chat")),
        ("presence", None),
        ("presence", Some("subscribe")),
        ("iq", Some("result")),
        ("iq", Some("error")),
    ] {
        let kind = StanzaKind::classify(name, ty).expect("a stanza");
        assert_eq!(
            lists.decide(None, IN, kind, &c),
            Verdict::Drop,
            "{name} {ty:?}"
        );
    }
}

// RFC 3921 §10.15: the simplest list for "block everyone not in my roster".
#[test]
fn s10_15_heuristic_example() {
    let mut lists = Lists::default();
    set(
        &mut lists,
        "<list name='heuristic-example'><item type='subscription' value='none' \
         action='deny' order='437'/></list>",
        &Context::default(),
    )
    .expect("stored");
    let active = Some("heuristic-example");
    let s = jid("stranger@example.org");
    assert_eq!(
        lists.decide(active, IN, StanzaKind::Message, &Contact::unknown(&s)),
        Verdict::Drop
    );
    for sub in [Subscription::To, Subscription::From, Subscription::Both] {
        let c = Contact {
            jid: &s,
            subscription: sub,
            groups: &[],
        };
        assert_eq!(
            lists.decide(active, IN, StanzaKind::Message, &c),
            Verdict::Allow
        );
    }
}

// A get naming <active/> or <default/> is no defined request: bad-request.
#[test]
fn selection_in_get_is_bad_request() {
    let mut lists = romeo();
    for inner in ["<active/>", "<default name='public'/>"] {
        assert_eq!(
            get(&mut lists, inner, &Context::default()),
            Err(EditError::SelectionInGet)
        );
    }
    assert_eq!(
        get(&mut lists, "", &Context::default())
            .expect("names")
            .result
            .and_then(|r| r.default),
        Some(Selection::new(Some("public".into())))
    );
}
