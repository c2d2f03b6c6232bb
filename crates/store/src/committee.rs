//! A steering committee's members and meetings.

use chitieu_domain::UnitCode;
use chitieu_domain::committee::{Meeting, Member};
use chitieu_domain::text::{COMMENT_MAX, NAME_MAX, TextKind};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::HashMap;

use crate::entities::{committee_member, meeting, programme_signoff};
use crate::units::{find_unit_id, unit_id};
use crate::{Result, Store, StoreError, audit};

impl Store {
    /// Adds a member to a committee.
    pub async fn add_member(&self, m: &Member, actor: &str) -> Result<()> {
        use chitieu_domain::Field;
        let person = crate::clean(
            chitieu_domain::Field::Person,
            &m.person,
            NAME_MAX,
            TextKind::Line,
        )?;
        let office = crate::clean(
            chitieu_domain::Field::Office,
            &m.office,
            NAME_MAX,
            TextKind::Line,
        )?;
        if person.is_empty() {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Required {
                field: Field::Person,
            }));
        }
        if m.to.is_some_and(|t| t < m.from) {
            return Err(StoreError::Refused(chitieu_domain::Refusal::DateBefore {
                field: Field::TermEnd,
                date: m.to.unwrap_or(m.from),
                other: Field::TermStart,
                other_date: m.from,
            }));
        }
        let txn = self.begin_write().await?;
        let id = unit_id(&txn, &m.committee).await?;
        committee_member::ActiveModel {
            committee_id: Set(id),
            person: Set(person.clone()),
            position: Set(m.position.as_str().into()),
            office: Set(office),
            member_from: Set(m.from),
            member_to: Set(m.to),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "committee.member",
            "committee_members",
            &format!(
                "{}: {} ({}) từ {}",
                m.committee,
                person,
                m.position.label_vi(),
                m.from
            ),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a meeting and its conclusion notice.
    pub async fn add_meeting(&self, m: &Meeting, actor: &str) -> Result<()> {
        use chitieu_domain::Field;
        let line = |what: Field, s: &str| crate::clean(what, s, NAME_MAX, TextKind::Line);
        let long = |what: Field, s: &str| crate::clean(what, s, COMMENT_MAX, TextKind::Multiline);
        let (kind, chair, number) = (
            line(Field::MeetingKind, &m.kind)?,
            line(Field::Chair, &m.chair)?,
            line(Field::Number, &m.conclusion_number)?,
        );
        let (agenda, attendance) = (
            long(Field::Agenda, &m.agenda)?,
            long(Field::Attendance, &m.attendance)?,
        );
        if kind.is_empty() || chair.is_empty() {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Required {
                field: if kind.is_empty() {
                    Field::MeetingKind
                } else {
                    Field::Chair
                },
            }));
        }
        let txn = self.begin_write().await?;
        let id = unit_id(&txn, &m.committee).await?;
        if !number.is_empty()
            && meeting::Entity::find()
                .filter(meeting::Column::ConclusionNumber.eq(&number))
                .one(&txn)
                .await?
                .is_some()
        {
            return Err(StoreError::Refused(chitieu_domain::Refusal::Duplicate {
                what: chitieu_domain::Thing::Notice,
                code: number,
            }));
        }
        meeting::ActiveModel {
            committee_id: Set(id),
            held_on: Set(m.held_on),
            kind: Set(kind.clone()),
            chair: Set(chair),
            agenda: Set(agenda),
            attendance: Set(attendance),
            conclusion_number: Set(number.clone()),
            conclusion_date: Set(m.conclusion_date),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "committee.meeting",
            "meetings",
            &format!(
                "{}: {kind} ngày {}, kết luận {number}",
                m.committee, m.held_on
            ),
        )
        .await?;
        crate::values::bump_counter(&txn, "records").await?;
        txn.commit().await?;
        Ok(())
    }

    /// A unit's head signs off its work programme for `year`: once.
    pub async fn sign_programme(
        &self,
        unit: &UnitCode,
        year: i32,
        on: chrono::NaiveDate,
        actor: &str,
    ) -> Result<()> {
        let txn = self.begin_write().await?;
        let id = unit_id(&txn, unit).await?;
        if programme_signoff::Entity::find()
            .filter(programme_signoff::Column::UnitId.eq(id))
            .filter(programme_signoff::Column::Year.eq(year))
            .one(&txn)
            .await?
            .is_some()
        {
            return Err(StoreError::Refused(
                chitieu_domain::Refusal::ProgrammeSigned {
                    unit: unit.to_string(),
                    year,
                },
            ));
        }
        programme_signoff::ActiveModel {
            unit_id: Set(id),
            year: Set(year),
            signed_by: Set(actor.to_string()),
            signed_on: Set(on),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(
            &txn,
            actor,
            "programme.sign",
            "programme_signoffs",
            &format!("{unit}: chương trình công tác năm {year}, ký ngày {on}"),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Who signed off `unit`'s programme for `year`, and when.
    pub async fn programme_signoff(
        &self,
        unit: &UnitCode,
        year: i32,
    ) -> Result<Option<(String, chrono::NaiveDate)>> {
        let Some(id) = find_unit_id(&self.db, unit).await? else {
            return Ok(None);
        };
        Ok(programme_signoff::Entity::find()
            .filter(programme_signoff::Column::UnitId.eq(id))
            .filter(programme_signoff::Column::Year.eq(year))
            .one(&self.db)
            .await?
            .map(|m| (m.signed_by, m.signed_on)))
    }

    /// A committee's members, by position then start.
    pub async fn members(&self, committee: &UnitCode) -> Result<Vec<Member>> {
        let Some(id) = find_unit_id(&self.db, committee).await? else {
            return Ok(Vec::new());
        };
        let mut out: Vec<Member> = committee_member::Entity::find()
            .filter(committee_member::Column::CommitteeId.eq(id))
            .order_by_asc(committee_member::Column::MemberFrom)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Member {
                committee: committee.clone(),
                person: m.person,
                position: m
                    .position
                    .parse()
                    .unwrap_or(chitieu_domain::committee::Position::Member),
                office: m.office,
                from: m.member_from,
                to: m.member_to,
            })
            .collect();
        let rank: HashMap<&str, usize> = chitieu_domain::committee::Position::ALL
            .iter()
            .enumerate()
            .map(|(k, p)| (p.as_str(), k))
            .collect();
        out.sort_by_key(|m| rank.get(m.position.as_str()).copied().unwrap_or(9));
        Ok(out)
    }

    /// A committee's meetings, latest first.
    pub async fn meetings(&self, committee: &UnitCode) -> Result<Vec<Meeting>> {
        let Some(id) = find_unit_id(&self.db, committee).await? else {
            return Ok(Vec::new());
        };
        Ok(meeting::Entity::find()
            .filter(meeting::Column::CommitteeId.eq(id))
            .order_by_desc(meeting::Column::HeldOn)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| Meeting {
                committee: committee.clone(),
                held_on: m.held_on,
                kind: m.kind,
                chair: m.chair,
                agenda: m.agenda,
                attendance: m.attendance,
                conclusion_number: m.conclusion_number,
                conclusion_date: m.conclusion_date,
            })
            .collect())
    }
}
