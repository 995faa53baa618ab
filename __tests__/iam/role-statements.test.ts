/**
 * The statement ids of every role policy lib/policies/roles.ts writes, by IAM's rule for the Sid
 * element (IAM User Guide, "IAM JSON policy elements: Sid"): ASCII uppercase and lowercase letters
 * and digits only, and unique within a JSON policy. Every statement carries one: it is what an
 * operator reads in the console and in the simulator's answer for a denied call.
 */
import type { PolicyDocument, Statement } from "../../lib/policies/document";
import { roleDocuments } from "./role-documents";

const SID = /^[A-Za-z0-9]+$/;

const documents = roleDocuments();

const statements = (d: PolicyDocument): Statement[] => [d.Statement].flat();

test.each(documents)("%s: every statement has a Sid of ASCII letters and digits, unique in the policy", (_name, document) => {
  const sids = statements(document()).map((s) => s.Sid);
  expect(sids.length).toBeGreaterThan(2);
  expect(sids.filter((sid) => sid === undefined || !SID.test(sid))).toEqual([]);
  expect(sids.filter((sid, i) => sids.indexOf(sid) !== i)).toEqual([]);
});

test("infra, the lowest layer, reads no other layer's state; bootstrap, app and gc read the layers below theirs", () => {
  const reads = (d: PolicyDocument) => statements(d).some((s) => s.Sid === "StateReadLowerLayers");
  const [app, , , bootstrap, infra, gc] = documents.map(([, document]) => reads(document()));
  expect({ app, bootstrap, infra, gc }).toEqual({ app: true, bootstrap: true, infra: false, gc: true });
});
