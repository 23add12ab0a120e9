package storetest

import "testing"

func testEvaluations(t *testing.T, open Opener) {}
func testAlerts(t *testing.T, open Opener)      {}
func testUsers(t *testing.T, open Opener)       {}
func testAudit(t *testing.T, open Opener)       {}
func testLeases(t *testing.T, open Opener)      {}
func testSettings(t *testing.T, open Opener)    {}
